package io.holdfast.packaging;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.internal.SettingsCheck;
import io.holdfast.connectors.fleet.FleetExecutorConfig;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.connectors.metrics.AgentConfig;
import io.holdfast.connectors.metrics.CloudWatchConfig;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.health.HealthConfig;
import io.holdfast.launcher.internal.AllSettings;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.schemas.serde.HoldfastSerdeConfig;
import io.holdfast.schemas.serde.SchemaRegistryConfig;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings a deployed holdfast process is given, judged the way that process judges them: by the
 * ConfigDefs of the command it runs. A key that no definition knows (a typo, or a key of another
 * component that would be silently ignored there) is a problem, and so is a value its definition
 * refuses; then the whole set goes through the launcher's own validation path.
 */
final class ProcessSettings {

    /** The holdfast commands a deployment runs, each with the holdfast keys it reads. */
    enum Command {
        RUN_RECONCILER(List.of("run", "reconciler"), true,
                () -> ReconcilerConfig.define(HoldfastConfig.baseDefinition()), ReconcilerConfig::ofValidated),
        RUN_HEALTH(List.of("run", "health"), true,
                () -> HealthConfig.define(HoldfastConfig.baseDefinition()), HealthConfig::ofValidated),
        // Also the checks the binlog source makes before it starts: Kafka's address, the URL's database, the connector.
        CONNECT_BINLOG(List.of("connect", "binlog"), false, BinlogConfig::fullDefinition,
                m -> SettingsCheck.offline(BinlogConfig.ofValidated(m))),
        SCAN_S3(List.of("scan", "s3"), false,
                () -> ScanConfig.define(StoreConfig.define(HoldfastConfig.baseDefinition())), ScanConfig::ofValidated),
        EXECUTE_RECONCILE(List.of("execute", "reconcile"), false,
                () -> ReconcileExecutorConfig.define(StoreConfig.define(HoldfastConfig.baseDefinition())),
                ReconcileExecutorConfig::ofValidated),
        EXECUTE_FLEET(List.of("execute", "fleet"), false,
                () -> FleetExecutorConfig.define(HoldfastConfig.baseDefinition()), FleetExecutorConfig::ofValidated),
        AGENT(List.of("agent"), false, AgentConfig::fullDefinition, AgentConfig::ofValidated),
        CLOUDWATCH(List.of("cloudwatch"), false, CloudWatchConfig::fullDefinition, CloudWatchConfig::ofValidated),
        SIM_FLEET(List.of("sim", "fleet"), false,
                () -> SimulatorConfig.define(HoldfastConfig.baseDefinition()), SimulatorConfig::ofValidated),
        TOPICS_ENSURE(List.of("topics", "ensure"), false, HoldfastConfig::baseDefinition, HoldfastConfig::ofValidated);

        final List<String> words;
        final boolean streamsApp;
        private final Supplier<ConfigDef> holdfastKeys;
        private final Consumer<Map<String, String>> build;

        Command(List<String> words, boolean streamsApp, Supplier<ConfigDef> holdfastKeys, Consumer<Map<String, String>> build) {
            this.words = words;
            this.streamsApp = streamsApp;
            this.holdfastKeys = holdfastKeys;
            this.build = build;
        }

        /** The command a container's arguments run. */
        static Command of(List<String> args) {
            for (Command c : values()) {
                if (args.size() >= c.words.size() && args.subList(0, c.words.size()).equals(c.words)) {
                    return c;
                }
            }
            throw new AssertionError("not a long-running holdfast command this test knows: " + args);
        }

        ConfigDef holdfastKeys() {
            return holdfastKeys.get();
        }
    }

    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private ProcessSettings() {}

    /** Kafka's definitions of the non-holdfast keys a command passes to its clients. */
    static List<ConfigDef> kafkaDefinitions(Command command) {
        List<ConfigDef> defs = new ArrayList<>(List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef(), SchemaRegistryConfig.configDef(), HoldfastSerdeConfig.configDef()));
        if (command.streamsApp) {
            defs.add(0, StreamsConfig.configDef());
        }
        return defs;
    }

    /** Every key, holdfast's or Kafka's, whose type is PASSWORD: such a key is a secret. */
    static Set<String> secretKeys() {
        Set<String> secrets = new TreeSet<>();
        List<ConfigDef> all = new ArrayList<>(kafkaDefinitions(Command.RUN_RECONCILER));
        all.add(AllSettings.definition());
        for (ConfigDef def : all) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    secrets.add(name);
                }
            });
        }
        // Not a PASSWORD in Kafka's definitions, but together with the secret it is the S3 credential.
        secrets.add(StoreConfig.S3_ACCESS_KEY_ID);
        return secrets;
    }

    /** The key a {@code HOLDFAST_*} variable sets, as the launcher resolves it; empty for the launcher's own variables. */
    static Optional<String> keyOfEnvironment(String name) {
        return ConfigSources.fromEnvironment(Map.of(name, "x"), AllSettings.definition()).keySet().stream().findFirst();
    }

    /** The settings the {@code HOLDFAST_*} variables of {@code env} give. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        return ConfigSources.fromEnvironment(env, AllSettings.definition());
    }

    /**
     * What is wrong with {@code settings} for {@code command}: unknown keys and refused values, one line
     * each; empty when every key exists and every value parses.
     */
    static List<String> problems(Command command, Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        ConfigDef holdfast = command.holdfastKeys();
        List<ConfigDef> kafka = kafkaDefinitions(command);
        settings.forEach((key, value) -> {
            if (key.startsWith(HoldfastConfig.PREFIX)) {
                if (command == Command.CONNECT_BINLOG && key.startsWith(BinlogConfig.DEBEZIUM_PREFIX)
                        && key.length() > BinlogConfig.DEBEZIUM_PREFIX.length()) {
                    return; // Debezium's own properties, checked by Debezium when the engine starts
                }
                check(key, key, value, List.of(holdfast), problems, command);
                return;
            }
            String bare = key;
            if (command.streamsApp) {
                for (String prefix : STREAMS_CLIENT_PREFIXES) {
                    if (key.startsWith(prefix)) {
                        bare = key.substring(prefix.length());
                        break;
                    }
                }
            }
            check(key, bare, value, kafka, problems, command);
        });
        return problems;
    }

    private static void check(String key, String bare, String value, List<ConfigDef> defs, List<String> problems, Command command) {
        for (ConfigDef def : defs) {
            ConfigDef.ConfigKey known = def.configKeys().get(bare);
            if (known != null) {
                try {
                    Object parsed = ConfigDef.parseType(bare, value, known.type);
                    if (known.validator != null) {
                        known.validator.ensureValid(bare, parsed);
                    }
                } catch (ConfigException e) {
                    problems.add(key + "=" + value + " refused for " + command + ": " + e.getMessage());
                }
                return;
            }
        }
        problems.add(key + " is not a setting of `holdfast " + String.join(" ", command.words) + "`");
    }

    /**
     * The launcher's own path: {@code file} then the environment merged and validated against every
     * component's keys, then the command's config built from them. Throws what the process would.
     */
    static Map<String, String> loadAsLauncher(Command command, Optional<Path> file, Map<String, String> env) {
        Map<String, String> effective = new LinkedHashMap<>(ConfigSources.merge(file, env, Map.of(), AllSettings.definition()));
        HoldfastConfig.validated(AllSettings.definition(), BinlogConfig.withoutPassthrough(effective));
        command.build.accept(effective);
        return effective;
    }
}
