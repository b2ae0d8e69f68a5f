package io.holdfast.connectors.reconcile;

import io.holdfast.connectors.commands.Backoff;
import io.holdfast.connectors.commands.HostName;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@code holdfast execute reconcile}: the base keys, the store's ({@link StoreConfig}: the
 * database and the snapshot bucket it repairs) and {@code holdfast.executor.reconcile.*} for the runner.
 */
public final class ReconcileExecutorConfig extends HoldfastConfig {

    public static final String GROUP_ID = "holdfast.executor.reconcile.group.id";
    public static final String EXECUTOR_NAME = "holdfast.executor.reconcile.name";
    public static final String CONCURRENCY = "holdfast.executor.reconcile.concurrency";
    public static final String RETRY_ATTEMPTS = "holdfast.executor.reconcile.retry.attempts";
    public static final String RETRY_BACKOFF_MS = "holdfast.executor.reconcile.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "holdfast.executor.reconcile.retry.backoff.max.ms";
    public static final String RESULTS_LOAD_TIMEOUT_MS = "holdfast.executor.reconcile.results.load.timeout.ms";
    public static final String EFFECT_MEMORY_MS = "holdfast.executor.reconcile.effect.memory.ms";

    private static final ConfigDef DEFINITION = define(StoreConfig.define(baseDefinition()));

    public ReconcileExecutorConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private ReconcileExecutorConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static ReconcileExecutorConfig ofValidated(Map<?, ?> props) {
        return new ReconcileExecutorConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static ReconcileExecutorConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new ReconcileExecutorConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** Adds the reconcile executor's own keys (not the store's: {@link StoreConfig#define} adds those) to {@code definition}. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(GROUP_ID, Type.STRING, "holdfast-reconcile-executor", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Consumer group of `holdfast execute reconcile` on commands.reconcile. Instances of one group share the "
                                + "entities; a second group would execute every command a second time (harmless, but wasted).")
                .define(EXECUTOR_NAME, Type.STRING, "", Importance.LOW,
                        "Name written to CommandResult.executor; empty means 'reconcile@<host name>'.")
                .define(CONCURRENCY, Type.INT, 4, Range.between(1, 256), Importance.MEDIUM,
                        "Entities whose commands run at the same time. Commands of one entity always run one after the other, "
                                + "in order. Keep it at most " + StoreConfig.DB_POOL_SIZE + ".")
                .define(RETRY_ATTEMPTS, Type.INT, 5, Range.between(1, 100), Importance.MEDIUM,
                        "Attempts at a command that fails transiently (database connection lost, deadlock, S3 5xx or throttling) "
                                + "before it is reported FAILED.")
                .define(RETRY_BACKOFF_MS, Type.LONG, 200L, Range.atLeast(0), Importance.LOW,
                        "Wait before the first retry; it doubles at each further retry, up to " + RETRY_BACKOFF_MAX_MS + ".")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                        "Longest wait between two attempts at a command.")
                .define(RESULTS_LOAD_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.LOW,
                        "At start, commands.results is read to its end to learn which command ids were already executed; "
                                + "the executor refuses to start if that takes longer.")
                .define(EFFECT_MEMORY_MS, Type.LONG, 600_000L, Range.atLeast(0), Importance.LOW,
                        "How long a repair that took effect (same type, entity and revision) answers later attempts of itself "
                                + "DUPLICATE without touching S3 or the database. Repairs only move the store forward, so a later "
                                + "attempt has nothing to do; the reconciler sends one when its retry comes before the effect "
                                + "reached it. After this time a later attempt is executed again. 0 executes every attempt.");
    }

    /** The database and bucket the executor repairs. */
    public StoreConfig store() {
        return StoreConfig.ofValidated(originals());
    }

    /** How the {@link ReconcileCommandRunner} runs. */
    public ReconcileCommandRunner.Settings runnerSettings() {
        long backoff = getLong(RETRY_BACKOFF_MS);
        long backoffMax = getLong(RETRY_BACKOFF_MAX_MS);
        if (backoffMax < backoff) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, backoffMax, "must not be less than " + RETRY_BACKOFF_MS + " (" + backoff + ")");
        }
        return new ReconcileCommandRunner.Settings(getString(GROUP_ID), executorName(), getInt(CONCURRENCY), getInt(RETRY_ATTEMPTS),
                new Backoff(Duration.ofMillis(backoff), Duration.ofMillis(backoffMax)),
                Duration.ofMillis(getLong(RESULTS_LOAD_TIMEOUT_MS)), Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS)),
                Duration.ofMillis(getLong(EFFECT_MEMORY_MS)));
    }

    public String executorName() {
        String name = getString(EXECUTOR_NAME).trim();
        return name.isEmpty() ? "reconcile@" + HostName.local() : name;
    }
}
