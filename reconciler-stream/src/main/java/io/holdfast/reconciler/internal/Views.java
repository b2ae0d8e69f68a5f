package io.holdfast.reconciler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.reconciler.entity.EntityInput;
import io.holdfast.reconciler.entity.EntityLedger;
import io.holdfast.reconciler.entity.PendingRevision;
import io.holdfast.schemas.DiffPass;
import io.holdfast.schemas.GtidPosition;
import io.holdfast.schemas.WorkflowProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON views of the reconciler's state for its HTTP queries: what an operator reads, not a contract. */
public final class Views {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Views() {
    }

    public static String json(Object view) {
        try {
            return JSON.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One entity's ledger: head, revisions outstanding and resolved, repairs issued, alerts raised. */
    public static Map<String, Object> ledger(String entity, EntityLedger l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entity_id", entity);
        m.put("head", none(l.head()));
        m.put("highest_confirmed_revision", none(l.confirmed()));
        m.put("highest_row_revision", none(l.highestRow()));
        m.put("settled", l.settled());
        m.put("resolved_revisions", l.resolvedRanges());
        List<Map<String, Object>> pending = new ArrayList<>();
        for (PendingRevision p : l.pending()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("revision", p.revision());
            r.put("snapshot_seen", p.snapshotSeen());
            r.put("object_key", p.objectKey());
            r.put("publication", p.publication().name());
            r.put("snapshot_hash", p.snapshotHash());
            r.put("snapshot_first_seen", time(p.snapshotFirstSeen()));
            r.put("row_seen", p.rowSeen());
            r.put("row_hash", p.rowHash());
            r.put("row_committed", time(p.rowCommitted()));
            r.put("replay_attempts", p.replayAttempts());
            r.put("publish_attempts", p.publishAttempts());
            pending.add(r);
        }
        m.put("pending", pending);
        m.put("head_advance_attempts", l.headAttempts());
        m.put("repairs", Map.of("replay_snapshot", l.replays(), "advance_head", l.headAdvances(),
                "mark_published", l.publishes()));
        m.put("alerts", l.alerts());
        return m;
    }

    public static Map<String, Object> workflow(String key, WorkflowProgress w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("workflow", w.getWorkflow());
        m.put("stream", w.getStream());
        m.put("table", w.getTable());
        m.put("phase", w.getPhase().name());
        m.put("message", w.getMessage());
        m.put("last_copied_key", w.getLastCopiedKey());
        m.put("rows_copied", w.getRowsCopied());
        m.put("copy_started", instant(w.getCopyStartedTime()));
        m.put("copy_finished", instant(w.getCopyFinishedTime()));
        GtidPosition g = w.getGtidPosition();
        m.put("gtid_position", g == null ? null : Map.of("flavor", g.getFlavor().name(), "position", g.getPosition()));
        m.put("last_event", instant(w.getLastEventTime()));
        m.put("diff_pass", w.getDiffPass() == null ? null : diff(w.getDiffPass()));
        m.put("updated", instant(w.getUpdatedTime()));
        return m;
    }

    public static Map<String, Object> diff(DiffPass d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pass_id", d.getPassId());
        m.put("state", d.getState().name());
        m.put("objects_compared", d.getObjectsCompared());
        m.put("matched", d.getMatched());
        m.put("replayed", d.getReplayed());
        m.put("marked_published", d.getMarkedPublished());
        m.put("head_lags", d.getHeadLags());
        m.put("violations", d.getViolations());
        m.put("last_key", d.getLastKey());
        m.put("started", instant(d.getStartedTime()));
        m.put("finished", instant(d.getFinishedTime()));
        return m;
    }

    private static Object none(long v) {
        return v == EntityInput.NONE ? null : v;
    }

    private static String time(long millis) {
        return millis == EntityInput.NONE ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }
}
