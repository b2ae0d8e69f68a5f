package io.holdfast.connectors.metrics;

import io.holdfast.connectors.metrics.internal.ConfigValidators;
import io.holdfast.connectors.metrics.internal.EbsMetric;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Settings of {@code holdfast cloudwatch}: the base holdfast keys plus {@code holdfast.cloudwatch.*}. */
public final class CloudWatchConfig extends HoldfastConfig {

    public static final String VOLUME_IDS = "holdfast.cloudwatch.volume.ids";
    public static final String TAG_FILTERS = "holdfast.cloudwatch.tag.filters";
    public static final String REGION = "holdfast.cloudwatch.region";
    public static final String PERIOD_SECONDS = "holdfast.cloudwatch.period.seconds";
    public static final String POLL_INTERVAL_MS = "holdfast.cloudwatch.poll.interval.ms";
    public static final String LOOKBACK_MS = "holdfast.cloudwatch.lookback.ms";
    public static final String SETTLE_MS = "holdfast.cloudwatch.settle.ms";
    public static final String DISCOVERY_INTERVAL_MS = "holdfast.cloudwatch.discovery.interval.ms";
    public static final String PEER_GROUP = "holdfast.cloudwatch.peer.group";
    public static final String MAX_METRICS_PER_REQUEST = "holdfast.cloudwatch.max.metrics.per.request";

    /** GetMetricData accepts at most this many metric queries per request. */
    public static final int GET_METRIC_DATA_LIMIT = 500;

    private static final ConfigDef DEFINITION = define(baseDefinition());

    public CloudWatchConfig(Map<?, ?> props) {
        this(props, true);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static CloudWatchConfig ofValidated(Map<?, ?> props) {
        return new CloudWatchConfig(props, false);
    }

    private CloudWatchConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
        boolean ids = !getList(VOLUME_IDS).isEmpty();
        boolean tags = !getList(TAG_FILTERS).isEmpty();
        if (ids == tags) {
            throw new ConfigException("Set exactly one of " + VOLUME_IDS + " (a list of EBS volume ids) and " + TAG_FILTERS
                    + " (KEY=VALUE tag filters)" + (ids ? ", not both" : ""));
        }
        if (getInt(PERIOD_SECONDS) % 60 != 0) {
            throw new ConfigException(PERIOD_SECONDS, getInt(PERIOD_SECONDS), "EBS metrics have one-minute resolution: use a multiple of 60");
        }
        if (getLong(LOOKBACK_MS) < getLong(SETTLE_MS) + getInt(PERIOD_SECONDS) * 1000L) {
            // Else a period held back for missing metrics leaves the window before it settles, and is never published.
            throw new ConfigException(LOOKBACK_MS, getLong(LOOKBACK_MS), "must be at least " + SETTLE_MS + " plus one period ("
                    + PERIOD_SECONDS + ")");
        }
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static CloudWatchConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new CloudWatchConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** The base keys and the CloudWatch poller's. */
    public static ConfigDef fullDefinition() {
        return define(baseDefinition());
    }

    /** Adds the CloudWatch poller's keys to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(VOLUME_IDS, Type.LIST, "", Importance.HIGH,
                        "EBS volumes to poll (vol-...). Set this or " + TAG_FILTERS + ".")
                .define(TAG_FILTERS, Type.LIST, "", ConfigValidators.assignments("holdfast-role=vitess"), Importance.HIGH,
                        "Poll every EBS volume whose tags match, as KEY=VALUE entries: entries with different keys must "
                                + "all match, entries with the same key are alternatives (EC2 DescribeVolumes tag:KEY "
                                + "filters). Set this or " + VOLUME_IDS + ".")
                .define(REGION, Type.STRING, "", Importance.HIGH,
                        "AWS region of the volumes; empty uses the SDK's default chain (AWS_REGION, the profile, "
                                + "instance metadata). Credentials always come from the SDK's default chain.")
                .define(PERIOD_SECONDS, Type.INT, 60, Range.between(60, 3_600), Importance.MEDIUM,
                        "CloudWatch statistics period, a multiple of 60 s; one VolumeMetric per volume per period. "
                                + "VolumeMetric documents periods up to 60 s: longer ones only for volume types that "
                                + "publish five-minute metrics.")
                .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.MEDIUM,
                        "How often GetMetricData is called.")
                .define(LOOKBACK_MS, Type.LONG, 900_000L, Range.atLeast(60_000), Importance.MEDIUM,
                        "How far back each poll asks for data: EBS metrics reach CloudWatch minutes late, and a poll "
                                + "that failed is caught up by the next ones within this window. At least " + SETTLE_MS
                                + " plus one period.")
                .define(SETTLE_MS, Type.LONG, 300_000L, Range.atLeast(0), Importance.MEDIUM,
                        "A period whose metrics are not all in CloudWatch yet is held back until this long after its "
                                + "end, then published with what arrived (the missing figures null).")
                .define(DISCOVERY_INTERVAL_MS, Type.LONG, 300_000L, Range.atLeast(10_000), Importance.LOW,
                        "How often DescribeVolumes is called again to follow attachments and tags.")
                .define(PEER_GROUP, Type.STRING, "", Importance.MEDIUM,
                        "Peer group of every polled volume; empty means the instance the volume is attached to, or its "
                                + "availability zone when it is not attached.")
                .define(MAX_METRICS_PER_REQUEST, Type.INT, GET_METRIC_DATA_LIMIT, Range.between(EbsMetric.COUNT, GET_METRIC_DATA_LIMIT),
                        Importance.LOW, "Metric queries per GetMetricData request (nine per volume); the API allows 500.");
    }

    public List<String> volumeIds() {
        return getList(VOLUME_IDS).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Tag key to accepted values. */
    public Map<String, List<String>> tagFilters() {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (String entry : getList(TAG_FILTERS)) {
            String[] pair = ConfigValidators.assignment(entry);
            filters.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
        }
        return filters;
    }

    public Optional<String> region() {
        String region = getString(REGION).trim();
        return region.isEmpty() ? Optional.empty() : Optional.of(region);
    }

    public Duration period() {
        return Duration.ofSeconds(getInt(PERIOD_SECONDS));
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_INTERVAL_MS));
    }

    public Duration lookback() {
        return Duration.ofMillis(getLong(LOOKBACK_MS));
    }

    public Duration settle() {
        return Duration.ofMillis(getLong(SETTLE_MS));
    }

    public Duration discoveryInterval() {
        return Duration.ofMillis(getLong(DISCOVERY_INTERVAL_MS));
    }

    public Optional<String> peerGroup() {
        String group = getString(PEER_GROUP).trim();
        return group.isEmpty() ? Optional.empty() : Optional.of(group);
    }

    public int maxMetricsPerRequest() {
        return getInt(MAX_METRICS_PER_REQUEST);
    }
}
