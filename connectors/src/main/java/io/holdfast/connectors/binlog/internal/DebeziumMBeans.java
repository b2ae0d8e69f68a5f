package io.holdfast.connectors.binlog.internal;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Debezium's streaming metrics MBean of one logical server
 * ({@code debezium.<connector>:type=connector-metrics,context=streaming,server=<topic.prefix>}), read by
 * attribute name. The domain differs per connector, so it is found by pattern; it exists only while the
 * connector's task runs, hence every read is optional.
 */
public final class DebeziumMBeans {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName pattern;

    public DebeziumMBeans(String topicPrefix) {
        try {
            this.pattern = new ObjectName("*:type=connector-metrics,context=streaming,server=" + quoteIfNeeded(topicPrefix) + ",*");
        } catch (JMException e) {
            throw new IllegalArgumentException("no MBean pattern for server " + topicPrefix, e);
        }
    }

    private static String quoteIfNeeded(String value) {
        return value.matches("[A-Za-z0-9._-]+") ? value : ObjectName.quote(value);
    }

    public Optional<Long> longAttribute(String name) {
        return attribute(name).filter(Number.class::isInstance).map(v -> ((Number) v).longValue());
    }

    public Optional<Boolean> booleanAttribute(String name) {
        return attribute(name).filter(Boolean.class::isInstance).map(Boolean.class::cast);
    }

    private Optional<Object> attribute(String name) {
        Set<ObjectName> found = server.queryNames(pattern, null);
        for (ObjectName bean : found) {
            try {
                return Optional.ofNullable(server.getAttribute(bean, name));
            } catch (JMException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
