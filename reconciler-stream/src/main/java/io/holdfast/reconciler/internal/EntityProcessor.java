package io.holdfast.reconciler.internal;

import io.holdfast.reconciler.ReconcilerMetrics;
import io.holdfast.reconciler.entity.Conditions;
import io.holdfast.reconciler.entity.Decision;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.reconciler.entity.EntityLedger;
import io.holdfast.reconciler.entity.EntityReconciler;
import io.holdfast.reconciler.workflow.DiffTally;
import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandIds;
import io.holdfast.schemas.GtidPosition;
import io.holdfast.reconciler.gtid.ReplicationPosition;
import io.holdfast.schemas.ReconcileCommand;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.WorkflowPhase;
import io.holdfast.schemas.WorkflowProgress;
import io.holdfast.topology.control.ControlView;
import io.holdfast.topology.timer.TimerIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ledger per entity, on input keyed by entity: loads the {@link EntityLedger}, lets the
 * {@link EntityReconciler} merge the observation and decide, stores the ledger and moves the entity's
 * deadline in the timer index. A wall-clock punctuator evaluates only the entities that are due (grace
 * ends, retry backoffs), never scanning the ledgers. Decisions are forwarded in the same step that stores
 * the ledger they were decided on; with exactly-once processing both commit together.
 */
public final class EntityProcessor implements Processor<String, EntityInput, String, Object> {

    public static final String ENTITIES_STORE = "reconciler-entities";
    public static final String TIMERS = "reconciler-entity-deadlines";
    public static final String TALLY_STORE = "reconciler-diff-tally";
    public static final String WORKFLOW_GLOBAL_STORE = "reconciler-workflow-global";
    public static final String CONTROL_STORE = "reconciler-control";

    private static final Logger log = LoggerFactory.getLogger(EntityProcessor.class);
    private static final String TALLY_KEY = "tally";
    /** Key of this task's count of entities with a ledger, in the tally store (8 bytes, big-endian). */
    public static final String ENTITY_COUNT_KEY = "entities";

    /** Sink node names and the workflow keys the conditions are read from. */
    public record Wiring(String commandsSink, String auditSink, String alertsSink, String progressSink,
                         String revisionsWorkflowKey, String headsWorkflowKey,
                         String diffWorkflowKey, Duration punctuateEvery, int timerBatch) {
    }

    private final EntityReconciler reconciler;
    private final ReconcilerMetrics metrics;
    private final Wiring wiring;
    private final List<Decision> decisions = new ArrayList<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> ledgers;
    private KeyValueStore<String, byte[]> tallyStore;
    private KeyValueStore<String, WorkflowProgress> workflows;
    private ControlView controls;
    private TimerIndex deadlines;
    private DiffTally tally;
    private boolean tallyDirty;
    private Conditions conditions;
    private long conditionsRead = Long.MIN_VALUE;
    private long entityCount;

    public EntityProcessor(EntityReconciler reconciler, ReconcilerMetrics metrics, Wiring wiring) {
        this.reconciler = reconciler;
        this.metrics = metrics;
        this.wiring = wiring;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        ledgers = context.getStateStore(ENTITIES_STORE);
        tallyStore = context.getStateStore(TALLY_STORE);
        workflows = context.getStateStore(WORKFLOW_GLOBAL_STORE);
        controls = new ControlView(context.getStateStore(CONTROL_STORE), EntityReconciler.APP);
        deadlines = TimerIndex.from(context, TIMERS);
        byte[] stored = tallyStore.get(TALLY_KEY);
        tally = stored == null ? new DiffTally() : DiffTally.fromBytes(stored);
        byte[] count = tallyStore.get(ENTITY_COUNT_KEY);
        entityCount = count == null ? 0 : java.nio.ByteBuffer.wrap(count).getLong();
        context.schedule(wiring.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::wakeDue);
    }

    @Override
    public void process(Record<String, EntityInput> record) {
        EntityInput input = record.value();
        if (input == null || record.key() == null) {
            metrics.skipped("null");
            return;
        }
        long now = context.currentSystemTimeMs();
        byte[] stored = ledgers.get(input.entity());
        EntityLedger ledger;
        if (stored == null && input instanceof EntityInput.Answered) {
            metrics.skipped("answer_unknown_entity"); // nothing tracked: the answer cannot be about a repair of ours
            return;
        }
        if (stored == null) {
            ledger = new EntityLedger();
            entityCount++;
            tallyStore.put(ENTITY_COUNT_KEY, java.nio.ByteBuffer.allocate(Long.BYTES).putLong(entityCount).array());
        } else {
            ledger = EntityLedger.fromBytes(stored);
        }
        decisions.clear();
        long wake = reconciler.apply(ledger, input, now, conditions(now), decisions);
        save(input.entity(), ledger, wake);
        if (input instanceof EntityInput.Snapshot s) {
            tallyDirty |= tally.compared(s.passId(), s.scanTime(), s.objectKey(), ledger.isResolved(s.revision()));
        }
        emit(input.entity(), now);
    }

    private void wakeDue(long now) {
        Conditions c = conditions(now);
        for (KeyValue<String, Long> due : deadlines.pollDue(now, wiring.timerBatch())) {
            byte[] stored = ledgers.get(due.key);
            if (stored == null) {
                continue;
            }
            EntityLedger ledger = EntityLedger.fromBytes(stored);
            decisions.clear();
            long wake = reconciler.evaluate(ledger, due.key, now, c, decisions);
            save(due.key, ledger, wake);
            emit(due.key, now);
        }
        if (tallyDirty && tally.started()) {
            tallyStore.put(TALLY_KEY, tally.toBytes());
            int partition = context.taskId().partition();
            var partial = tally.toPartial(wiring.diffWorkflowKey(), partition, now);
            context.forward(new Record<String, Object>(wiring.diffWorkflowKey(), partial, now), wiring.progressSink());
            tallyDirty = false;
        }
    }

    private void save(String entity, EntityLedger ledger, long wake) {
        ledgers.put(entity, ledger.toBytes());
        if (wake == EntityInput.NONE) {
            deadlines.cancel(entity);
        } else {
            deadlines.schedule(entity, wake);
        }
    }

    private void emit(String entity, long now) {
        for (Decision d : decisions) {
            metrics.decision(d.code());
            AuditEvent.Builder audit = AuditEvent.newBuilder().setApp(EntityReconciler.APP)
                    .setScope(Scopes.entity(entity)).setDecision(d.code()).setPosition(conditions.position())
                    .setEventTime(Instant.ofEpochMilli(now));
            if (d instanceof Decision.Repair r) {
                ReconcileCommand command = r.command();
                switch (command.getType()) {
                    case REPLAY_SNAPSHOT -> tally.replayed();
                    case MARK_PUBLISHED -> tally.markedPublished();
                    case ADVANCE_HEAD -> {
                        if (command.getAttempt() == 1) {
                            tally.headLag(); // entities found lagging, not attempts
                        }
                    }
                    default -> { }
                }
                audit.setEventId(CommandIds.of("audit", command.getCommandId())).setCommandId(command.getCommandId())
                        .setSummary(r.code() + " " + entity + " revision " + command.getRevision()
                                + " attempt " + command.getAttempt() + (r.dryRun() ? " (dry run)" : ""))
                        .setEvidence(command.getEvidence()).setDryRun(r.dryRun());
                if (!r.dryRun()) {
                    context.forward(new Record<String, Object>(entity, command, now), wiring.commandsSink());
                }
                log.info("{} {} revision {} attempt {} command {}{}", r.code(), entity, command.getRevision(),
                        command.getAttempt(), command.getCommandId(), r.dryRun() ? " (dry run, not sent)" : "");
            } else if (d instanceof Decision.Violation v) {
                Alert alert = v.alert();
                tally.violation();
                audit.setEventId(CommandIds.of("audit", alert.getAlertId())).setSummary(alert.getSummary())
                        .setEvidence(alert.getEvidence());
                context.forward(new Record<String, Object>(Scopes.key(alert.getScope()), alert, now), wiring.alertsSink());
                log.warn("alert {} {}: {}", alert.getCode(), entity, alert.getSummary());
            }
            tallyDirty = true;
            context.forward(new Record<String, Object>(Scopes.key(Scopes.entity(entity)), audit.build(), now), wiring.auditSink());
        }
    }

    /** Read from the global stores at most once per punctuation period: they change slowly and a read costs a lookup. */
    private Conditions conditions(long now) {
        if (conditions != null && now - conditionsRead < wiring.punctuateEvery().toMillis()) {
            return conditions;
        }
        WorkflowProgress revisions = workflows.get(wiring.revisionsWorkflowKey());
        WorkflowProgress heads = workflows.get(wiring.headsWorkflowKey());
        // The reconciler's own diff, not the scanner's report: a pass counts once this app compared its objects.
        WorkflowProgress scan = workflows.get(wiring.diffWorkflowKey());
        boolean copyDone = copied(revisions) && copied(heads);
        long lastCompleteScan = scan == null || scan.getCopyStartedTime() == null || scan.getCopyFinishedTime() == null
                ? -1 : scan.getCopyStartedTime().toEpochMilli();
        ControlView.Control control = controls.forScopes(now, "global");
        conditions = new Conditions(copyDone, control.paused(), control.dryRun(), lastCompleteScan,
                binlogPosition(revisions, heads));
        conditionsRead = now;
        return conditions;
    }

    /** Both tables come from one binlog: the position read is the merge of what each table's events showed. */
    private static GtidPosition binlogPosition(WorkflowProgress revisions, WorkflowProgress heads) {
        GtidPosition a = revisions == null ? null : revisions.getGtidPosition();
        GtidPosition b = heads == null ? null : heads.getGtidPosition();
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        if (a.getFlavor() != b.getFlavor()) {
            return a;
        }
        return ReplicationPosition.fromAvro(a).merge(ReplicationPosition.fromAvro(b)).toAvro();
    }

    /** A table is past its copy when it replicates (or was stopped on purpose); UNKNOWN and absent count as copying. */
    private static boolean copied(WorkflowProgress table) {
        return table != null && (table.getPhase() == WorkflowPhase.REPLICATING || table.getPhase() == WorkflowPhase.STOPPED);
    }
}
