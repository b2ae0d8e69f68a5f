package io.holdfast.topology.config;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Renders configuration for people and logs with every secret replaced by {@value #MASK}. */
public final class SecretMasking {

    public static final String MASK = "[hidden]";

    // Kafka client keys that carry secrets (sasl.jaas.config, ssl.*.password, ...), the schema
    // registry's user info, cloud credentials, and anything a user names like a secret.
    private static final Pattern SENSITIVE_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|jaas\\.config|token|credential|user\\.info|access\\.key|private\\.key|api\\.key|\\.key$).*");

    private SecretMasking() {}

    public static boolean isSensitive(String key, ConfigDef definition) {
        ConfigDef.ConfigKey defined = definition == null ? null : definition.configKeys().get(key);
        if (defined != null && defined.type == ConfigDef.Type.PASSWORD) {
            return true;
        }
        return SENSITIVE_KEY.matcher(key).matches();
    }

    /** Sorted {@code key = value} lines, secrets masked. */
    public static String dump(Map<String, ?> values, ConfigDef definition) {
        StringJoiner lines = new StringJoiner(System.lineSeparator());
        for (Map.Entry<String, ?> e : new TreeMap<>(values).entrySet()) {
            lines.add(e.getKey() + " = " + render(e.getKey(), e.getValue(), definition));
        }
        return lines.toString();
    }

    public static String render(String key, Object value, ConfigDef definition) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Password || isSensitive(key, definition)) {
            return MASK;
        }
        return String.valueOf(value);
    }
}
