package io.holdfast.launcher;

import io.holdfast.connectors.metrics.AgentConfig;
import io.holdfast.connectors.metrics.CloudWatchConfig;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.topology.config.HoldfastConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the settings holdfast understands, or shows the effective ones with secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "List holdfast's settings with their defaults, or print the effective configuration (secrets masked).")
final class ConfigCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--list", required = true, description = "Every holdfast.* key: type, default, meaning.")
        boolean list;

        @Option(names = "--effective", required = true, description = "The settings a command would run with, secrets masked.")
        boolean effective;
    }

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (mode.list) {
            ConfigDef def = io.holdfast.launcher.internal.AllSettings.definition();
            for (ConfigDef.ConfigKey key : def.configKeys().values()) {
                out.printf("%s (%s, default: %s%s)%n    %s%n", key.name, key.type.name().toLowerCase(java.util.Locale.ROOT),
                        key.hasDefault() ? (key.defaultValue == null || "".equals(key.defaultValue) ? "empty" : key.defaultValue) : "required",
                        key.validator == null ? "" : ", allowed: " + key.validator, key.documentation);
            }
            out.println("Any other key is passed to the Kafka clients (e.g. bootstrap.servers, security.protocol, sasl.jaas.config).");
            out.println("Precedence: defaults < --config FILE < HOLDFAST_* environment < --set KEY=VALUE.");
        } else {
            out.println(config.load(Map.of()).maskedDump());
        }
        return 0;
    }
}
