package io.holdfast.launcher;

import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.ControlWriter;
import io.holdfast.launcher.internal.Failures;
import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.Scope;
import io.holdfast.schemas.Scopes;
import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast control}: an operator instruction to the automation, written to the {@code control}
 * topic keyed by scope and app (the latest per key is in force; see health-stream/RECOVERY.md).
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = {"Pause or resume automation, or switch dry-run on or off (decide and audit, send no command), "
                + "globally, for a keyspace or for one shard, for every app or one (--app). The latest instruction per "
                + "scope and app is in force; a global pause pauses every shard.",
                "Example: holdfast control pause --shard commerce/-80 --reason 'maintenance' --for PT30M"})
final class ControlCommandLine implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "ACTION", description = "pause, resume, dry-run-on or dry-run-off.")
    String action;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static final class Target {
        @Option(names = "--shard", paramLabel = "KEYSPACE/SHARD", description = "One shard (default: global).")
        String shard;

        @Option(names = "--keyspace", paramLabel = "KEYSPACE", description = "Every shard of a keyspace.")
        String keyspace;
    }

    @Option(names = "--app", paramLabel = "APP", description = "Only this app (e.g. health); default every app.")
    String app;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, in your words (kept in the record).")
    String reason;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who (default: the USER environment variable).")
    String operator;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "Lapse by itself after this long (ISO-8601, e.g. PT30M); default: until the opposite instruction.")
    Duration lasting;

    @Override
    public Integer call() throws Exception {
        ControlAction controlAction = ControlWriter.action(action);
        Scope scope = scope();
        if (lasting != null && (lasting.isNegative() || lasting.isZero())) {
            throw new Failures.UserError("--for must be a positive duration, was " + lasting);
        }
        HoldfastConfig settings = config.load(Map.of());
        ControlWriter.Written written;
        try (ControlWriter writer = ControlWriter.open(settings)) {
            written = writer.write(controlAction, scope, app,
                    operator != null ? operator : System.getenv().getOrDefault("USER", "unknown"), reason, lasting);
        }
        spec.commandLine().getOut().printf("holdfast control: %s %s for %s%s (request %s, %s-%d@%d)%n",
                controlAction, written.key(), app == null ? "every app" : app,
                lasting == null ? "" : " until " + written.command().getExpiresTime(), written.command().getRequestId(),
                written.metadata().topic(), written.metadata().partition(), written.metadata().offset());
        return 0;
    }

    private Scope scope() {
        if (target == null) {
            return Scopes.global();
        }
        if (target.keyspace != null) {
            if (target.keyspace.isBlank()) {
                throw new Failures.UserError("--keyspace needs a name");
            }
            return Scopes.keyspace(target.keyspace);
        }
        try {
            return ControlWriter.shardScope(target.shard);
        } catch (Failures.UserError e) {
            throw new Failures.UserError("--shard must be KEYSPACE/SHARD (e.g. commerce/-80), was '" + target.shard + "'");
        }
    }
}
