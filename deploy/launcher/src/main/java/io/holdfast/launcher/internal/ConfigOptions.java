package io.holdfast.launcher.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set key=value}, shared by every command that reads settings. */
public final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file with holdfast and Kafka client settings (see `holdfast config --list`).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting that overrides the file and the HOLDFAST_* environment; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public Map<String, String> overrides() {
        return overrides;
    }

    /**
     * The settings, validated against every component's keys: {@code commandDefaults} (what the
     * command knows, e.g. the embedded broker's address) < file < {@code HOLDFAST_*} environment <
     * {@code --set}. A component config is then built from them with its {@code ofValidated}.
     */
    public Map<String, String> validated(Map<String, String> commandDefaults) {
        Map<String, String> effective = new LinkedHashMap<>(commandDefaults);
        effective.putAll(ConfigSources.merge(file(), System.getenv(), overrides, AllSettings.definition()));
        // Debezium properties passed through by the binlog source are not holdfast keys: Debezium checks them.
        HoldfastConfig.validated(AllSettings.definition(), BinlogConfig.withoutPassthrough(effective));
        return effective;
    }

    /** The base settings (validated as a whole first). */
    public HoldfastConfig load(Map<String, String> commandDefaults) {
        return HoldfastConfig.ofValidated(validated(commandDefaults));
    }
}
