package io.holdfast.topology.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * holdfast's typed settings, in Kafka's {@link AbstractConfig} style: every {@code holdfast.*} key
 * is declared with its type, default, validator and documentation; every other key is a Kafka
 * client or Streams setting passed through to Kafka, which validates it in turn.
 *
 * <p>Apps extend the definition with their own keys ({@link #baseDefinition()} plus their
 * {@code define} calls). A bad value fails at load time with Kafka's one-line message
 * ({@code Invalid value X for configuration K: what is allowed}); an unknown {@code holdfast.*} key
 * is refused, since it is most likely a typo that would otherwise be ignored silently.
 *
 * <p>Values may name a secret instead of holding it, through Kafka's config providers
 * ({@code config.providers=file,env} with their {@code config.providers.<name>.class}, then
 * {@code ${file:/path:key}} or {@code ${env:NAME}}). {@link AbstractConfig} resolves them when the
 * config is built, so {@link #kafkaProperties()} hands Kafka clients, Streams and Debezium the resolved
 * values, while {@link #maskedDump()} shows the reference, never what it resolved to.
 */
public class HoldfastConfig extends AbstractConfig {

    public static final String PREFIX = "holdfast.";

    public static final String TOPIC_PREFIX = "holdfast.topic.prefix";
    public static final String TOPIC_PARTITIONS = "holdfast.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "holdfast.topic.replication.factor";
    public static final String HTTP_BIND_ADDRESS = "holdfast.http.bind.address";
    public static final String HTTP_PORT = "holdfast.http.port";
    public static final String HTTP_ADVERTISED_HOST = "holdfast.http.advertised.host";
    public static final String HTTP_OPERATOR_TOKEN = "holdfast.http.operator.token";
    public static final String SHUTDOWN_TIMEOUT_MS = "holdfast.shutdown.timeout.ms";
    public static final String THREAD_REPLACEMENTS_MAX = "holdfast.thread.replacements.max";
    public static final String THREAD_REPLACEMENTS_WINDOW_MS = "holdfast.thread.replacements.window.ms";
    public static final String CDC_TOPIC_PREFIX = "holdfast.cdc.topic.prefix";
    public static final String CDC_DATABASE = "holdfast.cdc.database";
    public static final String CDC_REVISIONS_TABLE = "holdfast.cdc.revisions.table";
    public static final String CDC_HEADS_TABLE = "holdfast.cdc.heads.table";
    public static final String SNAPSHOTS_BUCKET = "holdfast.snapshots.bucket";
    public static final String SNAPSHOTS_PREFIX = "holdfast.snapshots.prefix";

    private static final ConfigDef BASE = baseDefinition();

    private static final String CONFIG_PROVIDERS = "config.providers";
    /** What Kafka's ConfigTransformer substitutes: {@code ${provider:[path:]key}}. */
    private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");
    /** Provider names a reference most likely means even when {@code config.providers} forgot to declare them. */
    private static final Set<String> USUAL_PROVIDERS = Set.of("file", "env", "directory", "dir");

    private final ConfigDef definition;
    /** Values as given, before config providers resolved them: what {@link #maskedDump()} shows for those. */
    private final Map<String, String> providerReferences;

    public HoldfastConfig(Map<?, ?> props) {
        this(BASE, props);
    }

    protected HoldfastConfig(ConfigDef definition, Map<?, ?> props) {
        this(definition, props, true);
    }

    /**
     * @param refuseUnknownHoldfastKeys false when the caller has already validated {@code props} against
     *                                  every component's keys (the launcher does): then keys of other
     *                                  components, which one shared file may hold, are left alone here
     */
    protected HoldfastConfig(ConfigDef definition, Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(definition, props, false);
        this.definition = definition;
        this.providerReferences = providerReferences(props);
        refuseUnresolvedReferences();
        if (refuseUnknownHoldfastKeys) {
            for (Object key : props.keySet()) {
                String name = String.valueOf(key);
                if (name.startsWith(PREFIX) && !definition.names().contains(name)) {
                    throw new ConfigException("Unknown configuration " + name + " (holdfast keys are listed by `holdfast config --list`)");
                }
            }
        }
    }

    /** Validates {@code props} against {@code everyKey} (all components' keys) and refuses unknown holdfast keys. */
    public static HoldfastConfig validated(ConfigDef everyKey, Map<?, ?> props) {
        return new HoldfastConfig(everyKey, props, true);
    }

    /** The base settings out of {@code props} that were already validated against every component's keys. */
    public static HoldfastConfig ofValidated(Map<?, ?> props) {
        return new HoldfastConfig(BASE, props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static HoldfastConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new HoldfastConfig(ConfigSources.merge(file, env, overrides, BASE));
    }

    /** The keys every holdfast process understands. */
    public static ConfigDef baseDefinition() {
        return new ConfigDef()
                .define(TOPIC_PREFIX, Type.STRING, "", Importance.HIGH,
                        "Prefix put before every holdfast topic name (e.g. 'prod.' gives 'prod.commands.fleet'), "
                                + "so that several installations can share one cluster.")
                .define(TOPIC_PARTITIONS, Type.INT, 6, Range.atLeast(1), Importance.MEDIUM,
                        "Partitions of every keyed holdfast topic when `topics ensure` creates it. Inputs that are "
                                + "joined must be co-partitioned, so one number applies to all of them.")
                .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, replicationFactor(), Importance.MEDIUM,
                        "Replication factor of holdfast topics when `topics ensure` creates them; -1 uses the "
                                + "broker's default.replication.factor.")
                .define(HTTP_BIND_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Address the HTTP server (/live, /ready, /metrics, /topology, queries) binds to. Loopback by "
                                + "default; use 0.0.0.0 in a container.")
                .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM,
                        "Port of the HTTP server; 0 picks a free one.")
                .define(HTTP_ADVERTISED_HOST, Type.STRING, "", Importance.LOW,
                        "Host name other instances use to reach this one's HTTP server for routed state queries "
                                + "(application.server); empty means the bind address.")
                .define(HTTP_OPERATOR_TOKEN, Type.PASSWORD, "", Importance.MEDIUM,
                        "Bearer token that operator actions over HTTP (POST) must carry as 'Authorization: Bearer <token>'; "
                                + "empty disables them (every endpoint is then read-only). Give it through "
                                + "HOLDFAST_HTTP_OPERATOR_TOKEN or a config provider. `holdfast dev` makes one per run for its "
                                + "dashboard when none is set.")
                .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.MEDIUM,
                        "How long a graceful shutdown may take (commit, flush, leave the group) before it is cut short.")
                .define(THREAD_REPLACEMENTS_MAX, Type.INT, 5, Range.atLeast(0), Importance.LOW,
                        "A stream thread that dies of a transient error is replaced at most this many times within "
                                + THREAD_REPLACEMENTS_WINDOW_MS + "; one more and the client shuts down.")
                .define(THREAD_REPLACEMENTS_WINDOW_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.LOW,
                        "Window over which " + THREAD_REPLACEMENTS_MAX + " is counted.")
                .define(CDC_TOPIC_PREFIX, Type.STRING, "cdc.holdfast", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Debezium's topic.prefix (its logical server name): change events of table T of database D are on "
                                + "'<this>.<D>.<T>' (after " + TOPIC_PREFIX + "), and their source.name is this value.")
                .define(CDC_DATABASE, Type.STRING, "holdfast", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Database (Vitess keyspace) holding the revisions and heads tables.")
                .define(CDC_REVISIONS_TABLE, Type.STRING, "revisions", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Table of revision rows, one per (entity, revision); inserted once, never updated.")
                .define(CDC_HEADS_TABLE, Type.STRING, "entity_heads", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Table of entity heads, one row per entity; only ever moved up.")
                .define(SNAPSHOTS_BUCKET, Type.STRING, "holdfast-snapshots", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "S3 bucket of the entity snapshots (the system of record).")
                .define(SNAPSHOTS_PREFIX, Type.STRING, "snapshots/", Importance.HIGH,
                        "Key prefix of the snapshots in the bucket; objects are '<prefix><entity>/<revision>'.");
    }

    private static ConfigDef.Validator replicationFactor() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                short v = (Short) value;
                if (v != -1 && v < 1) {
                    throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
                }
            }

            @Override
            public String toString() {
                return "-1 or [1,...]";
            }
        };
    }

    public ConfigDef definition() {
        return definition;
    }

    /** Every setting that is not a holdfast key: Kafka client and Streams properties, serde settings. */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> kafka = new HashMap<>();
        for (Map.Entry<String, Object> e : originals().entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                kafka.put(e.getKey(), e.getValue());
            }
        }
        return kafka;
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    /**
     * Effective settings (holdfast keys with defaults, plus what was given), sorted, secrets masked. A value
     * that came through a config provider is shown as its reference ({@code ${file:...}}), whatever its key's
     * name: a value kept out of the file was kept out for a reason.
     */
    public String maskedDump() {
        Map<String, Object> all = new TreeMap<>(originals());
        all.putAll(values());
        all.putAll(providerReferences);
        return SecretMasking.dump(all, definition);
    }

    /**
     * Kafka leaves a reference it cannot resolve as it is, so a missing key, an unset variable or a forgotten
     * {@code config.providers} would reach a client as a literal {@code ${...}} password and fail later as an
     * authentication error. Refused here instead, naming the key and the reference (never a value).
     */
    private void refuseUnresolvedReferences() {
        Object declared = originals().get(CONFIG_PROVIDERS);
        List<String> configured = declared == null ? List.of()
                : Arrays.stream(String.valueOf(declared).split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
        for (Map.Entry<String, Object> e : originals().entrySet()) {
            if (!(e.getValue() instanceof String text)) {
                continue;
            }
            Matcher reference = PROVIDER_REFERENCE.matcher(text);
            while (reference.find()) {
                String provider = reference.group(1);
                if (configured.contains(provider)) {
                    String path = reference.group(3);
                    throw new ConfigException(e.getKey() + ": " + reference.group() + " did not resolve: config provider '" + provider
                            + "' has no value '" + reference.group(4) + "'" + (path == null ? "" : " in " + path));
                }
                if (USUAL_PROVIDERS.contains(provider)) {
                    throw new ConfigException(e.getKey() + ": " + reference.group() + " names config provider '" + provider
                            + "', which " + CONFIG_PROVIDERS + " does not declare (add it, and " + CONFIG_PROVIDERS + "." + provider + ".class)");
                }
            }
        }
    }

    /** The given values that name a config provider variable ({@code ${provider:[path:]key}}), unresolved. */
    private static Map<String, String> providerReferences(Map<?, ?> props) {
        Map<String, String> references = new HashMap<>();
        props.forEach((k, v) -> {
            if (v instanceof String text && text.contains("${") && text.contains("}")) {
                references.put(String.valueOf(k), text);
            }
        });
        return references;
    }

    @Override
    public String toString() {
        return "HoldfastConfig{" + maskedDump().replace(System.lineSeparator(), ", ") + "}";
    }
}
