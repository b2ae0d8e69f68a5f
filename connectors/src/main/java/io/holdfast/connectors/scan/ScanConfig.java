package io.holdfast.connectors.scan;

import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@code holdfast scan s3}: the base holdfast keys (bucket and prefix:
 * {@code holdfast.snapshots.*}), the S3 settings of {@link StoreConfig} ({@code holdfast.s3.*}) and
 * {@code holdfast.scan.*}.
 */
public final class ScanConfig extends HoldfastConfig {

    public static final String PAGE_SIZE = "holdfast.scan.page.size";
    public static final String INTERVAL_MS = "holdfast.scan.interval.ms";
    public static final String PASS_ID_FORMAT = "holdfast.scan.pass.id.format";
    public static final String KNOWN_OBJECTS_MAX = "holdfast.scan.known.objects.max";

    /** Sortable, and distinct for passes started a millisecond apart. */
    public static final String DEFAULT_PASS_ID_FORMAT = "yyyyMMdd'T'HHmmss.SSS'Z'";

    private static final ConfigDef DEFINITION = define(StoreConfig.define(baseDefinition()));

    public ScanConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private ScanConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static ScanConfig ofValidated(Map<?, ?> props) {
        return new ScanConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static ScanConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new ScanConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** Adds the scanner's own keys ({@code holdfast.scan.*}) to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(PAGE_SIZE, Type.INT, 1000, Range.between(1, 1000), Importance.MEDIUM,
                        "Objects per ListObjectsV2 page (S3 returns at most 1000). A checkpoint is committed after "
                                + "every page, so after a crash at most one page is listed and emitted again.")
                .define(INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.MEDIUM,
                        "In continuous mode, a new pass starts this long after the previous pass started (at once if "
                                + "the previous pass took longer).")
                .define(PASS_ID_FORMAT, Type.STRING, DEFAULT_PASS_ID_FORMAT, passIdFormat(), Importance.LOW,
                        "java.time pattern applied to a pass's start time (UTC) to name the pass (SnapshotObject.scan_pass_id); "
                                + "a pass resumed after a crash keeps its name. A name equal to the previous pass's gets a suffix.")
                .define(KNOWN_OBJECTS_MAX, Type.INT, 100_000, Range.atLeast(0), Importance.LOW,
                        "Objects whose metadata and tags the scanner remembers between passes, so that a pass reads from S3 "
                                + "only what can have changed: nothing for a published snapshot listed with the same ETag, its "
                                + "tags for one still pending (snapshots are create-only). The least recently listed are forgotten "
                                + "first and read again. 0 reads every object in full on every pass.");
    }

    /** The S3 settings, read from the same properties. */
    public StoreConfig store() {
        return StoreConfig.ofValidated(originals());
    }

    public int knownObjectsMax() {
        return getInt(KNOWN_OBJECTS_MAX);
    }

    public String bucket() {
        return getString(SNAPSHOTS_BUCKET);
    }

    public String prefix() {
        return getString(SNAPSHOTS_PREFIX);
    }

    public int pageSize() {
        return getInt(PAGE_SIZE);
    }

    public Duration interval() {
        return Duration.ofMillis(getLong(INTERVAL_MS));
    }

    public DateTimeFormatter passIdFormatter() {
        return DateTimeFormatter.ofPattern(getString(PASS_ID_FORMAT)).withZone(ZoneOffset.UTC);
    }

    public int maxConcurrency() {
        return getInt(StoreConfig.S3_MAX_CONCURRENCY);
    }

    private static ConfigDef.Validator passIdFormat() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String pattern = String.valueOf(value);
                if (pattern.isBlank()) {
                    throw new ConfigException(name, value, "a pass id pattern must not be empty");
                }
                try {
                    DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(java.time.Instant.EPOCH);
                } catch (IllegalArgumentException | java.time.DateTimeException e) {
                    throw new ConfigException(name, value, "not a java.time pattern usable on an instant: " + e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "a java.time DateTimeFormatter pattern";
            }
        };
    }
}
