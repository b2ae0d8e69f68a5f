package io.holdfast.reconciler;

import io.holdfast.reconciler.entity.ReconcileSettings;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the reconciler ({@code holdfast.reconciler.*}) on top of holdfast's base settings (which
 * hold the CDC topic, table and bucket names shared with the connectors). Column names are here so that
 * an existing schema can be reconciled without renaming anything.
 */
public final class ReconcilerConfig extends HoldfastConfig {

    private static final String P = "holdfast.reconciler.";

    public static final String GRACE_MS = P + "grace.ms";
    public static final String RETRY_BACKOFF_MS = P + "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = P + "retry.backoff.max.ms";
    public static final String RECHECK_MS = P + "recheck.ms";
    public static final String PUNCTUATE_MS = P + "punctuate.interval.ms";
    public static final String TIMER_BATCH = P + "timer.batch";
    public static final String REVISIONS_ENTITY_COLUMN = P + "revisions.entity.column";
    public static final String REVISIONS_REVISION_COLUMN = P + "revisions.revision.column";
    public static final String REVISIONS_HASH_COLUMN = P + "revisions.hash.column";
    public static final String HEADS_ENTITY_COLUMN = P + "heads.entity.column";
    public static final String HEADS_REVISION_COLUMN = P + "heads.revision.column";

    private static final ConfigDef DEFINITION = define(HoldfastConfig.baseDefinition());

    public ReconcilerConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private ReconcilerConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** The reconciler's settings out of {@code props} already validated against every component's keys. */
    public static ReconcilerConfig ofValidated(Map<?, ?> props) {
        return new ReconcilerConfig(props, false);
    }

    public static ReconcilerConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new ReconcilerConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** Adds the reconciler's keys to {@code d} and returns it. */
    public static ConfigDef define(ConfigDef d) {
        ReconcileSettings x = ReconcileSettings.DEFAULTS;
        return d
                .define(GRACE_MS, Type.LONG, x.graceMs(), Range.atLeast(0), Importance.HIGH,
                        "How long an inconsistency may last before it is repaired (the writer's own steps normally close "
                                + "it): a snapshot without its row, a row whose snapshot is still tagged pending, a head "
                                + "below the highest revision. Also the clock-skew allowance before a revision row is "
                                + "called snapshot-less. Correctness does not depend on it; a short grace costs duplicate "
                                + "(no-op) repairs.")
                .define(RETRY_BACKOFF_MS, Type.LONG, x.retryBackoffMs(), Range.atLeast(1), Importance.MEDIUM,
                        "Wait after the executor answered a repair before it is issued again while its effect has not been "
                                + "seen (doubles per attempt, up to " + P + "retry.backoff.max.ms).")
                .define(RETRY_BACKOFF_MAX_MS, Type.LONG, x.retryBackoffMaxMs(), Range.atLeast(1), Importance.MEDIUM,
                        "Longest wait between two attempts of one repair; also how long an attempt the executor has not "
                                + "answered is waited for before it is issued again (commands.results is read back).")
                .define(RECHECK_MS, Type.LONG, x.recheckMs(), Range.atLeast(1), Importance.MEDIUM,
                        "How often a decision held back (a table still being copied, automation paused, no complete "
                                + "scan pass yet) is looked at again.")
                .define(PUNCTUATE_MS, Type.LONG, 500L, Range.atLeast(10), Importance.LOW,
                        "Wall-clock period of the punctuator that reads due timers and publishes workflow progress.")
                .define(TIMER_BATCH, Type.INT, 2_000, Range.atLeast(1), Importance.LOW,
                        "Most due entities evaluated per punctuation (the rest wait for the next one).")
                .define(REVISIONS_ENTITY_COLUMN, Type.STRING, "entity_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Column of the revisions table holding the entity id.")
                .define(REVISIONS_REVISION_COLUMN, Type.STRING, "revision", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Column of the revisions table holding the revision number (integer).")
                .define(REVISIONS_HASH_COLUMN, Type.STRING, "content_hash", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Column of the revisions table holding the content hash, compared with the snapshot's.")
                .define(HEADS_ENTITY_COLUMN, Type.STRING, "entity_id", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Column of the heads table holding the entity id.")
                .define(HEADS_REVISION_COLUMN, Type.STRING, "head_revision", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Column of the heads table holding the head revision (integer).");
    }

    public ReconcileSettings settings() {
        return new ReconcileSettings(getLong(GRACE_MS), getLong(RETRY_BACKOFF_MS),
                Math.max(getLong(RETRY_BACKOFF_MS), getLong(RETRY_BACKOFF_MAX_MS)), getLong(RECHECK_MS));
    }

    /** Where the entity, revision and hash are in the two tables' rows. */
    public record Columns(String revisionsEntity, String revisionsRevision, String revisionsHash,
                          String headsEntity, String headsRevision) {
        public static final Columns DEFAULT = new Columns("entity_id", "revision", "content_hash", "entity_id", "head_revision");
    }

    public Columns columns() {
        return new Columns(getString(REVISIONS_ENTITY_COLUMN), getString(REVISIONS_REVISION_COLUMN),
                getString(REVISIONS_HASH_COLUMN), getString(HEADS_ENTITY_COLUMN), getString(HEADS_REVISION_COLUMN));
    }
}
