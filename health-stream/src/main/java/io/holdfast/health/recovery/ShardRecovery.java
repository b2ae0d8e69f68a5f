package io.holdfast.health.recovery;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.AuditEvent;
import io.holdfast.schemas.CommandIds;
import io.holdfast.schemas.CommandOutcome;
import io.holdfast.schemas.CommandResult;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.TabletRole;
import io.holdfast.schemas.ReparentMode;
import io.holdfast.schemas.Scopes;
import io.holdfast.schemas.Severity;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeHealth;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recovery workflow of one shard, as VTOrc runs it: detect (the {@link Problem} table) -> lock
 * (a reparent slot from the fleet coordinator) -> re-check against the freshest state -> act (one
 * command, with compare-and-set fields and a deterministic id) -> audit. Pure: it reads and updates
 * a {@link ShardState} and tells an {@link Output} what to emit, so it can be driven by the Streams
 * processor, by property tests, and after a restart from the stored state alike.
 *
 * <p>At most one workflow per shard is in flight. A reparent is followed by the replacement of the
 * failing volume (provision, wait until the replacement serves and has caught up, retire); a
 * degraded replica is only replaced. Failures and timeouts retry with the next candidate up to
 * {@code maxAttempts}, then alert. Paused or dry-run scopes decide and audit but emit no command.
 */
public final class ShardRecovery {

    static final String APP = "health";
    private static final int MAX_ABANDONED_STEPS = 16;

    /** Where decisions go. */
    public interface Output {
        void command(FleetCommand command);

        void audit(AuditEvent event);

        void alert(Alert alert);

        void lock(LockMessage message);
    }

    /** Operator controls in force for this shard. */
    public record Control(boolean paused, boolean dryRun) {
        public static final Control NONE = new Control(false, false);
    }

    /** Counts what the workflow does (Prometheus via the processor). */
    public interface Metrics {
        void problemDetected(String code);

        void recoveryAttempted(String type);

        void recoverySucceeded(String type);

        void recoveryFailed(String type);

        /** A record of {@code input} read and deliberately not used (a tombstone, another app's result). */
        default void skipped(String input, String reason) {
        }

        Metrics NONE = new Metrics() {
            @Override
            public void problemDetected(String code) {
            }

            @Override
            public void recoveryAttempted(String type) {
            }

            @Override
            public void recoverySucceeded(String type) {
            }

            @Override
            public void recoveryFailed(String type) {
            }
        };
    }

    private final RecoverySettings settings;
    private final CandidateSelector selector;
    private final Metrics metrics;

    public ShardRecovery(RecoverySettings settings, Metrics metrics) {
        this.settings = settings;
        this.selector = new CandidateSelector(settings);
        this.metrics = metrics;
    }

    // ---------------------------------------------------------------- inputs

    public void onTablet(ShardState s, TabletRecord r, long now, Control control, Output out) {
        identify(s, r.getKeyspace(), r.getShard());
        boolean joined = !s.tablets.containsKey(r.getTabletAlias()) && r.getRole() != TabletRole.SPARE;
        TabletState t = s.tablets.computeIfAbsent(r.getTabletAlias(), a -> {
            TabletState fresh = new TabletState();
            fresh.alias = a;
            return fresh;
        });
        if (joined && s.targetSize > 0 && !s.provisioned.contains(t.alias) && !provisioningInFlight(s)) {
            s.targetSize++; // added by someone else (an operator scaling the shard): part of the shard's size
        }
        long updated = r.getUpdatedTime().toEpochMilli();
        if (updated < t.updatedMs) {
            return; // an older view of this tablet arriving late changes nothing
        }
        String before = candidacy(t);
        t.updatedMs = updated;
        t.cell = r.getCell();
        t.role = r.getRole().name();
        t.serving = r.getServing();
        t.reachable = r.getReachable();
        if (t.volumeId != null && !t.volumeId.equals(r.getVolumeId())) {
            t.health = "UNKNOWN"; // a different volume: its health is not the old one's
        }
        t.volumeId = r.getVolumeId();
        t.node = r.getNode();
        t.replicationLagMs = r.getReplicationLagMs();
        t.primaryTerm = r.getPrimaryTerm();
        if (!t.isPrimary()) {
            s.fenced.remove(t.alias);
        }
        lookAgainIfChanged(s, before, t);
        advance(s, now, control, out);
    }

    public void onHealth(ShardState s, VolumeHealth h, long now, Control control, Output out) {
        TabletState t = s.tabletWithVolume(h.getVolumeId());
        if (t == null) {
            return;
        }
        long since = h.getEventTime().toEpochMilli();
        if (since < t.healthSinceMs) {
            return;
        }
        String before = candidacy(t);
        t.health = h.getState().name();
        t.healthSinceMs = since;
        lookAgainIfChanged(s, before, t);
        advance(s, now, control, out);
    }

    public void onResult(ShardState s, CommandResult r, long now, Control control, Output out) {
        Workflow w = s.workflow;
        String fenced = r.getOutcome() == CommandOutcome.SUCCEEDED && r.getFleetType() == FleetCommandType.FENCE
                && r.getObserved() != null ? r.getObserved().get("fenced") : null;
        TabletState fencedTablet = s.tablet(fenced);
        if (fencedTablet != null && fencedTablet.isPrimary()) {
            s.fenced.add(fenced); // even the late result of a fence given up on: the fence holds
        }
        if (w == null || w.commandId == null || !w.commandId.equals(r.getCommandId())) {
            if (abandonedStepFinished(s, r, now, control, out)) {
                advance(s, now, control, out);
            }
            return; // a duplicate, or the result of a step already given up on (its effect shows in the topology)
        }
        w.commandId = null;
        if (r.getOutcome() == CommandOutcome.SUCCEEDED) {
            succeeded(s, w, r.getObserved(), r.getFinishedTime().toEpochMilli(), now, control, out);
        } else {
            failed(s, w, r.getOutcome().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.getMessage() == null ? "" : ": " + r.getMessage()), now, control, out);
        }
        advance(s, now, control, out);
    }

    public void onLockReply(ShardState s, LockMessage m, long now, Control control, Output out) {
        Workflow w = s.workflow;
        boolean ours = w != null && w.id.equals(m.workflowId);
        if (m.type == LockMessage.Type.GRANT && (!ours || w.phase != Workflow.Phase.AWAIT_LOCK)) {
            if (!ours) {
                out.lock(LockMessage.of(LockMessage.Type.RELEASE, s.shard, m.workflowId, m.cell, now));
            }
            return;
        }
        if (!ours) {
            return;
        }
        if (m.type == LockMessage.Type.DENY) {
            w.nextLockRequestMs = now + settings.lockRetryMs();
            audit(s, w, "lock_denied", null, m.reason, Map.of("reason", String.valueOf(m.reason)), now, control, out);
            return;
        }
        w.lockHeld = true;
        // Re-check against the freshest state: the problem may have gone, or the primary changed.
        Problem.Found now_ = Problem.detect(s);
        TabletState primary = s.primary();
        if (now_ == null || !now_.problem().remedy().equals(w.kind) || primary == null || !primary.alias.equals(w.oldPrimary)) {
            release(s, w, now, out);
            audit(s, w, "recheck_resolved", null, "the problem is gone on re-check", Map.of(), now, control, out);
            s.workflow = null;
            advance(s, now, control, out);
            return;
        }
        w.expectedTerm = primary.primaryTerm;
        w.cellDegradedShare = new java.util.TreeMap<>(m.cellDegradedShare);
        TabletState candidate = selector.select(s, primary, w.triedCandidates, w.cellDegradedShare);
        if (candidate == null) {
            noSafeCandidate(s, w, now, control, out);
            return;
        }
        w.candidate = candidate.alias;
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("candidate_cell", String.valueOf(candidate.cell));
        evidence.put("failing_cell", String.valueOf(primary.cell));
        evidence.put("failing_cell_degraded_share", String.valueOf(m.cellDegradedShare.getOrDefault(primary.cell, 0.0)));
        audit(s, w, "candidate_chosen", null, "promote " + candidate.alias, evidence, now, control, out);
        if (w.kind == Workflow.Kind.EMERGENCY_REPARENT && !s.fenced.contains(primary.alias)) {
            w.phase = Workflow.Phase.FENCING;
        } else {
            w.phase = Workflow.Phase.REPARENTING;
        }
        act(s, w, now, control, out);
    }

    /** Timers: command deadlines, lock retries, the end of an anti-flap block or a pause. */
    public void onTimer(ShardState s, long now, Control control, Output out) {
        advance(s, now, control, out);
    }

    /** When this shard next needs attention without any input arriving; Long.MAX_VALUE if never. */
    public long nextWakeUp(ShardState s) {
        Workflow w = s.workflow;
        if (w != null) {
            if (w.phase == Workflow.Phase.AWAIT_LOCK) {
                return w.nextLockRequestMs;
            }
            if (w.commandId != null || w.phase == Workflow.Phase.AWAIT_REPLACEMENT) {
                return w.deadlineMs;
            }
            return w.nextLockRequestMs; // a step held by pause or dry-run: look again soon
        }
        return s.nextCheckMs > 0 ? s.nextCheckMs : Long.MAX_VALUE;
    }

    /** What decides whether a tablet can be promoted or acknowledge writes, as one comparable value. */
    private String candidacy(TabletState t) {
        boolean caughtUp = t.replicationLagMs != null && t.replicationLagMs <= settings.candidateMaxLagMs();
        return t.role + '|' + t.serving + '|' + t.reachable + '|' + t.health + '|' + caughtUp + '|' + t.cell;
    }

    /** An alerted problem is looked at again as soon as a tablet changes in a way that may help. */
    private void lookAgainIfChanged(ShardState s, String before, TabletState t) {
        if (!s.alerted.isEmpty() && !before.equals(candidacy(t))) {
            s.alerted.replaceAll((problem, lookAgainMs) -> 0L);
        }
    }

    // ---------------------------------------------------------------- the loop

    private void advance(ShardState s, long now, Control control, Output out) {
        Workflow w = s.workflow;
        if (w == null) {
            detect(s, now, control, out);
            return;
        }
        if (preempted(s, w, now, control, out)) {
            return;
        }
        switch (w.phase) {
            case AWAIT_LOCK -> {
                Problem.Found found = Problem.detect(s);
                if (found == null || found.problem().remedy() != w.kind) {
                    audit(s, w, "resolved_before_lock", null, "the problem went away", Map.of(), now, control, out);
                    s.workflow = null; // a grant arriving later is released by onLockReply
                    detect(s, now, control, out);
                } else if (now >= w.nextLockRequestMs) {
                    requestLock(s, w, now);
                    out.lock(lockRequest(s, w, now));
                }
            }
            case FENCING, REPARENTING, PROVISIONING, RETIRING -> {
                if (w.phase == Workflow.Phase.REPARENTING && reparentVisible(s, w)) {
                    w.commandId = null;
                    Map<String, String> seen = Map.of("new_primary", w.candidate);
                    succeeded(s, w, seen, now, now, control, out);
                    advance(s, now, control, out);
                } else if (w.commandId == null) {
                    act(s, w, now, control, out); // a step held by pause or dry-run, or a retry
                } else if (now >= w.deadlineMs) {
                    rememberInFlight(s, w);
                    w.commandId = null;
                    failed(s, w, "timed out after " + settings.timeoutMs(FleetCommandType.valueOf(w.commandType)) + " ms",
                            now, control, out);
                    advance(s, now, control, out);
                }
            }
            case AWAIT_REPLACEMENT -> awaitReplacement(s, w, now, control, out);
            default -> throw new IllegalStateException("unknown phase " + w.phase);
        }
    }

    /** Retires the degraded tablet once its replacement serves and has caught up; retries provisioning if it never does. */
    private void awaitReplacement(ShardState s, Workflow w, long now, Control control, Output out) {
        TabletState replacement = s.tablet(w.replacementTablet);
        // A replacement promoted meanwhile (it was the best candidate of a later reparent) is caught up by definition.
        if (replacement != null && replacement.serving && replacement.inShard() && !replacement.isDegradedOrStalled()
                && (replacement.isPrimary()
                    || replacement.replicationLagMs != null && replacement.replicationLagMs <= settings.candidateMaxLagMs())) {
            w.phase = Workflow.Phase.RETIRING;
            w.attempt = 1;
            audit(s, w, "replacement_ready", null, replacement.alias + " serving and caught up", Map.of(),
                    now, control, out);
            act(s, w, now, control, out);
        } else if (replacement != null && replacement.isDegradedOrStalled()) {
            failed(s, w, "replacement " + w.replacementTablet + " is " + replacement.health, now, control, out);
            advance(s, now, control, out);
        } else if (now >= w.deadlineMs) {
            failed(s, w, "replacement " + w.replacementTablet + " not serving and caught up in time", now, control, out);
            advance(s, now, control, out);
        }
    }

    /** No workflow in flight: find the most urgent problem and start a workflow for it, or say why not. */
    private void detect(ShardState s, long now, Control control, Output out) {
        moveSurplusOffThePrimary(s);
        forgetLostSteps(s, now);
        reconcileSize(s);
        java.util.List<Problem.Found> problems = Problem.detectAll(s);
        forgetResolved(s, problems);
        long nextCheck = Long.MAX_VALUE;
        Problem.Found found = null;
        boolean primaryAlerted = false;
        for (Problem.Found candidateProblem : problems) {
            boolean reparent = candidateProblem.problem().remedy().isReparent();
            if (reparent && primaryAlerted) {
                continue; // a lesser problem of the same primary: its remedy is the one that found no candidate
            }
            Long lookAgain = s.alerted.get(candidateProblem.key());
            if (lookAgain != null) {
                primaryAlerted |= reparent;
                if (now < lookAgain) {
                    nextCheck = Math.min(nextCheck, lookAgain); // alerted already; look again then, or when the shard changes
                    continue;
                }
                if (reparent && selector.select(s, candidateProblem.tablet(), java.util.List.of(), Map.of()) == null) {
                    s.alerted.put(candidateProblem.key(), now + settings.noCandidateRetryMs()); // still nothing to promote
                    nextCheck = Math.min(nextCheck, now + settings.noCandidateRetryMs());
                    continue;
                }
                primaryAlerted = false;
            }
            if (reparent && blockedByAntiFlap(s, candidateProblem, now)) {
                nextCheck = Math.min(nextCheck, s.blockedUntilMs);
                skip(s, candidateProblem, "skipped_anti_flap", "reparented recently; blocked until "
                        + Instant.ofEpochMilli(s.blockedUntilMs), now, control, out);
                continue;
            }
            found = candidateProblem;
            break;
        }
        if (found == null) {
            for (String step : s.abandonedSteps.values()) {
                nextCheck = Math.min(nextCheck, lostAtMs(step) + 1); // see forgetLostSteps
            }
            s.nextCheckMs = nextCheck == Long.MAX_VALUE ? 0 : nextCheck;
            return;
        }
        String key = found.key();
        boolean reparent = found.problem().remedy().isReparent();
        if (control.paused() || control.dryRun()) {
            s.nextCheckMs = now + settings.lockRetryMs(); // notice a resume without waiting for input
        }
        if (control.paused()) {
            skip(s, found, "skipped_paused", "automation paused", now, control, out);
            return;
        }
        if (control.dryRun()) {
            TabletState candidate = reparent ? selector.select(s, found.tablet(), java.util.List.of(), Map.of()) : null;
            skip(s, found, "dry_run_" + found.problem().remedy().name().toLowerCase(java.util.Locale.ROOT),
                    reparent ? (candidate == null ? "no safe candidate" : "would promote " + candidate.alias)
                            : (found.problem().remedy() == Workflow.Kind.RETIRE_SURPLUS ? "would retire " : "would replace ")
                                    + found.tablet().volumeId, now, control, out);
            return;
        }
        s.nextCheckMs = 0;
        metrics.problemDetected(found.problem().code());
        Workflow w = new Workflow();
        w.id = s.shard + "#" + (++s.workflowSeq);
        w.problem = found.problem().code();
        w.problemKey = key;
        w.kind = found.problem().remedy();
        w.startedMs = now;
        w.degradedTablet = found.tablet().alias;
        w.degradedVolume = found.tablet().volumeId;
        w.degradedCell = found.tablet().cell;
        TabletState primary = s.primary();
        w.oldPrimary = primary == null ? null : primary.alias;
        w.expectedTerm = primary == null ? 0 : primary.primaryTerm;
        s.workflow = w;
        audit(s, w, "detected", null, found.problem().description() + ": " + found.tablet().alias,
                Map.of("problem", w.problem, "tablet", w.degradedTablet, "volume", String.valueOf(w.degradedVolume),
                        "health", found.tablet().health), now, control, out);
        if (reparent) {
            w.phase = Workflow.Phase.AWAIT_LOCK;
            requestLock(s, w, now);
            out.lock(lockRequest(s, w, now));
        } else {
            w.phase = w.kind == Workflow.Kind.RETIRE_SURPLUS ? Workflow.Phase.RETIRING : Workflow.Phase.PROVISIONING;
            act(s, w, now, control, out);
        }
    }

    /**
     * Surplus is a count (the shard holds one tablet too many), not a property of one tablet: a
     * surplus tablet that became primary cannot be retired, so the mark moves to a replica, a
     * degraded one first (retiring it costs nothing), else the newest.
     */
    private static void moveSurplusOffThePrimary(ShardState s) {
        TabletState primary = s.primary();
        if (primary == null || !s.surplus.contains(primary.alias) || primary.isDegradedOrStalled() || !primary.reachable
                || s.fenced.contains(primary.alias)) {
            return; // a failing surplus primary is reparented away, then retired without a replacement
        }
        TabletState chosen = null;
        for (TabletState t : s.tablets.values()) {
            boolean eligible = !t.isPrimary() && t.inShard() && !s.surplus.contains(t.alias)
                    && !s.replacements.containsKey(t.alias) && !s.replacements.containsValue(t.alias)
                    && !provisioningFor(s, t.alias);
            if (!eligible) {
                continue;
            }
            if (chosen == null || t.isDegradedOrStalled() && !chosen.isDegradedOrStalled()
                    || t.isDegradedOrStalled() == chosen.isDegradedOrStalled() && t.alias.compareTo(chosen.alias) > 0) {
                chosen = t;
            }
        }
        if (chosen != null) {
            s.surplus.remove(primary.alias);
            s.surplus.add(chosen.alias);
        }
    }

    /**
     * The backstop of replacement bookkeeping, in the manner of a reconciler: when the shard is quiet
     * (no workflow, nothing in flight or owed) and every tablet in it is healthy, its size is compared
     * with the size it should have. One tablet too many is marked surplus (a replacement this app
     * provisioned, newest first) and retired; fewer means someone removed a tablet on purpose.
     */
    private static void reconcileSize(ShardState s) {
        // Bookkeeping about tablets that have left the shard is moot.
        s.surplus.removeIf(alias -> s.tablet(alias) == null || !s.tablet(alias).inShard());
        s.replacements.entrySet().removeIf(e -> s.tablet(e.getKey()) == null || !s.tablet(e.getKey()).inShard()
                || s.tablet(e.getValue()) != null && !s.tablet(e.getValue()).inShard());
        if (s.workflow != null || !s.abandonedSteps.isEmpty() || !s.replacements.isEmpty() || !s.surplus.isEmpty()) {
            return;
        }
        int size = 0;
        TabletState newestOfOurs = null;
        for (TabletState t : s.tablets.values()) {
            if (!t.inShard()) {
                continue;
            }
            if (t.isDegradedOrStalled() || !t.serving || !t.reachable) {
                return; // not quiet: a problem or a catch-up is under way
            }
            size++;
            if (!t.isPrimary() && s.provisioned.contains(t.alias)
                    && (newestOfOurs == null || t.alias.compareTo(newestOfOurs.alias) > 0)) {
                newestOfOurs = t;
            }
        }
        if (s.targetSize == 0 || size < s.targetSize) {
            s.targetSize = size;
        } else if (size > s.targetSize && newestOfOurs != null) {
            s.surplus.add(newestOfOurs.alias);
        }
        pruneRetired(s);
    }

    /** Retired tablets are kept a while (a late record of theirs must not revive them), not forever. */
    private static void pruneRetired(ShardState s) {
        final int keep = 16;
        while (true) {
            int spare = 0;
            TabletState oldest = null;
            for (TabletState t : s.tablets.values()) {
                if (!t.inShard()) {
                    spare++;
                    if (oldest == null || t.updatedMs < oldest.updatedMs) {
                        oldest = t;
                    }
                }
            }
            if (spare <= keep || oldest == null) {
                return;
            }
            s.tablets.remove(oldest.alias);
        }
    }

    /**
     * An abandoned step whose result has not come long after its deadline never will (executors do not
     * start a command after its deadline): waiting for it would keep the shard from ever being quiet.
     */
    private void forgetLostSteps(ShardState s, long now) {
        s.abandonedSteps.values().removeIf(step -> now > lostAtMs(step));
    }

    /** When an abandoned step ("TYPE|tablet|deadline") with no result yet is taken for lost. */
    private long lostAtMs(String step) {
        String[] parts = step.split("\\|", 3);
        long deadline = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
        return deadline + settings.replacementTimeoutMs();
    }

    private static boolean provisioningInFlight(ShardState s) {
        Workflow w = s.workflow;
        if (w != null && (w.phase == Workflow.Phase.PROVISIONING || w.phase == Workflow.Phase.AWAIT_REPLACEMENT)) {
            return true;
        }
        for (String step : s.abandonedSteps.values()) {
            if (step.startsWith(FleetCommandType.PROVISION_VOLUME.name() + "|")) {
                return true;
            }
        }
        return false;
    }

    private static boolean provisioningFor(ShardState s, String tablet) {
        for (String step : s.abandonedSteps.values()) {
            if (step.startsWith(FleetCommandType.PROVISION_VOLUME.name() + "|" + tablet + "|")) {
                return true;
            }
        }
        return false;
    }

    /** Sends the command of the current step (or holds it while paused or in dry-run). */
    private void act(ShardState s, Workflow w, long now, Control control, Output out) {
        if (control.paused() || control.dryRun()) {
            String decision = control.paused() ? "held_paused" : "held_dry_run";
            String key = decision + "/" + w.phase + "/" + w.attempt;
            if (!key.equals(w.lastHeldAudit)) {
                w.lastHeldAudit = key;
                audit(s, w, decision, null, w.phase + " waits: " + (control.paused() ? "automation paused" : "dry run"),
                        Map.of("phase", w.phase.name()), now, control, out);
            }
            w.nextLockRequestMs = now + settings.lockRetryMs();
            return;
        }
        FleetCommand.Builder c = FleetCommand.newBuilder()
                .setKeyspace(s.keyspace).setShard(s.shardName)
                .setWorkflowId(w.id).setAttempt(w.attempt)
                .setDecidedTime(Instant.ofEpochMilli(now))
                .setEvidence(Map.of("problem", w.problem, "degraded_tablet", w.degradedTablet,
                        "degraded_volume", String.valueOf(w.degradedVolume)));
        FleetCommandType type;
        TabletState primary = s.primary();
        switch (w.phase) {
            case FENCING -> {
                type = FleetCommandType.FENCE;
                c.setTargetTabletAlias(w.oldPrimary).setTargetVolumeId(w.degradedVolume)
                        .setExpectedPrimary(w.oldPrimary).setExpectedPrimaryTerm(w.expectedTerm);
            }
            case REPARENTING -> {
                type = FleetCommandType.REPARENT;
                TabletState candidate = s.tablet(w.candidate);
                if (candidate == null || !selector.isPromotable(s, candidate, s.tablet(w.oldPrimary), java.util.List.of())) {
                    // The chosen replica stopped being safe since the lock was granted: choose again.
                    w.triedCandidates.add(w.candidate);
                    TabletState next = selector.select(s, s.tablet(w.oldPrimary), w.triedCandidates, w.cellDegradedShare);
                    if (next == null) {
                        noSafeCandidate(s, w, now, control, out);
                        return;
                    }
                    w.candidate = next.alias;
                }
                c.setReparentMode(w.kind == Workflow.Kind.EMERGENCY_REPARENT ? ReparentMode.EMERGENCY : ReparentMode.PLANNED)
                        .setNewPrimary(w.candidate)
                        .setExpectedPrimary(primary == null ? w.oldPrimary : primary.alias)
                        .setExpectedPrimaryTerm(primary == null ? w.expectedTerm : primary.primaryTerm);
            }
            case PROVISIONING -> {
                if (s.surplus.remove(w.degradedTablet)) {
                    // One too many already (a replacement that was promoted, then failed): retire it, replace nothing.
                    w.phase = Workflow.Phase.RETIRING;
                    audit(s, w, "no_replacement_needed", null, w.degradedTablet + " is surplus: retired without a replacement",
                            Map.of(), now, control, out);
                    act(s, w, now, control, out);
                    return;
                }
                String provisioned = s.replacements.remove(w.degradedTablet);
                // The replacement may have failed in turn and have its own replacement: follow the chain.
                while (provisioned != null && s.replacements.containsKey(provisioned)) {
                    TabletState middle = s.tablet(provisioned);
                    if (middle != null && middle.inShard() && !middle.isDegradedOrStalled()) {
                        break;
                    }
                    String next = s.replacements.remove(provisioned);
                    if (middle != null && middle.inShard()) {
                        s.surplus.add(provisioned); // replaced by its successor: one too many now
                    }
                    provisioned = next;
                }
                TabletState kept = s.tablet(provisioned);
                if (kept != null && (kept.isDegradedOrStalled() || !kept.inShard())) {
                    s.surplus.add(provisioned); // no use as a replacement any more
                    provisioned = null;
                }
                if (provisioned != null) {
                    // A preempted workflow already provisioned a replacement for this tablet: use it.
                    w.replacementTablet = provisioned;
                    w.phase = Workflow.Phase.AWAIT_REPLACEMENT;
                    w.deadlineMs = now + settings.replacementTimeoutMs();
                    audit(s, w, "replacement_adopted", null, "replacement " + provisioned + " provisioned earlier",
                            Map.of("replacement_tablet", provisioned), now, control, out);
                    awaitReplacement(s, w, now, control, out);
                    return;
                }
                if (adoptProvisioningInFlight(s, w, now, control, out)) {
                    return;
                }
                type = FleetCommandType.PROVISION_VOLUME;
                c.setTargetTabletAlias(w.degradedTablet).setTargetVolumeId(w.degradedVolume).setCell(w.degradedCell);
            }
            case RETIRING -> {
                type = FleetCommandType.RETIRE_VOLUME;
                c.setTargetTabletAlias(w.degradedTablet).setTargetVolumeId(w.degradedVolume)
                        .setExpectedPrimary(primary == null ? null : primary.alias)
                        .setExpectedPrimaryTerm(primary == null ? null : primary.primaryTerm);
            }
            default -> throw new IllegalStateException("no command for phase " + w.phase);
        }
        long deadline = now + settings.timeoutMs(type);
        c.setType(type).setDeadlineTime(Instant.ofEpochMilli(deadline));
        String commandId = CommandIds.of(type.name(), s.shard, w.id, w.attempt, w.candidate, w.degradedTablet,
                c.getExpectedPrimary(), c.getExpectedPrimaryTerm());
        FleetCommand command = c.setCommandId(commandId).build();
        w.commandId = commandId;
        w.commandType = type.name();
        w.deadlineMs = deadline;
        metrics.recoveryAttempted(typeLabel(type, w));
        audit(s, w, decisionOf(type, w), commandId, summaryOf(command), Map.of("attempt", Integer.toString(w.attempt)),
                now, control, out);
        out.command(command);
    }

    private void succeeded(ShardState s, Workflow w, Map<String, String> observed, long observedAtMs, long now,
                           Control control, Output out) {
        FleetCommandType type = FleetCommandType.valueOf(w.commandType);
        metrics.recoverySucceeded(typeLabel(type, w));
        switch (w.phase) {
            case FENCING -> {
                s.fenced.add(w.oldPrimary);
                audit(s, w, "fence_succeeded", null, w.oldPrimary + " fenced", Map.of(), now, control, out);
                w.phase = Workflow.Phase.REPARENTING;
                w.attempt = 1;
                act(s, w, now, control, out);
            }
            case REPARENTING -> {
                w.newPrimary = observed.getOrDefault("new_primary", w.candidate);
                applyReparent(s, w, observed, observedAtMs);
                s.blockedUntilMs = now + settings.antiFlapBlockMs();
                s.lastNewPrimary = w.newPrimary;
                release(s, w, now, out);
                audit(s, w, "reparent_succeeded", null, w.newPrimary + " is primary",
                        Map.of("new_primary", w.newPrimary), now, control, out);
                w.attempt = 1;
                if (!s.surplus.contains(w.degradedTablet) && !s.replacements.containsKey(w.degradedTablet)
                        && s.surplus.remove(w.newPrimary)) {
                    // The promoted tablet was one too many: it is the replacement, and none is provisioned.
                    w.replacementTablet = w.newPrimary;
                    w.replacementVolume = s.tablet(w.newPrimary) == null ? null : s.tablet(w.newPrimary).volumeId;
                    w.phase = Workflow.Phase.AWAIT_REPLACEMENT;
                    w.deadlineMs = now + settings.replacementTimeoutMs();
                    audit(s, w, "surplus_promoted", null, w.newPrimary + " was surplus and replaces " + w.degradedTablet,
                            Map.of("replacement_tablet", w.newPrimary), now, control, out);
                    awaitReplacement(s, w, now, control, out);
                    return;
                }
                w.phase = Workflow.Phase.PROVISIONING;
                act(s, w, now, control, out);
            }
            case PROVISIONING -> {
                w.replacementTablet = observed.get("tablet_alias");
                if (w.replacementTablet != null) {
                    s.provisioned.add(w.replacementTablet);
                }
                w.replacementVolume = observed.get("volume_id");
                w.phase = Workflow.Phase.AWAIT_REPLACEMENT;
                w.deadlineMs = now + settings.replacementTimeoutMs();
                audit(s, w, "provision_succeeded", null, "replacement " + w.replacementTablet + " provisioned",
                        Map.of("replacement_tablet", String.valueOf(w.replacementTablet)), now, control, out);
            }
            case RETIRING -> {
                // Out of the shard as of the executor's answer; a topology record older than it changes nothing.
                markRetired(s, w.degradedTablet, observedAtMs);
                s.replacements.remove(w.degradedTablet);
                // The retired tablet may itself have been another's replacement: its own replacement takes that place.
                String successor = w.replacementTablet;
                s.replacements.entrySet().removeIf(e -> e.getValue().equals(w.degradedTablet) && successor == null);
                s.replacements.replaceAll((degraded, replacement) ->
                        replacement.equals(w.degradedTablet) ? successor : replacement);
                s.surplus.remove(w.degradedTablet);
                audit(s, w, "recovery_complete", null, w.degradedVolume + " retired; " + w.problem + " repaired",
                        Map.of("duration_ms", Long.toString(now - w.startedMs)), now, control, out);
                s.workflow = null;
            }
            default -> throw new IllegalStateException("no command for phase " + w.phase);
        }
    }

    private void failed(ShardState s, Workflow w, String reason, long now, Control control, Output out) {
        FleetCommandType type = w.phase == Workflow.Phase.AWAIT_REPLACEMENT ? FleetCommandType.PROVISION_VOLUME
                : FleetCommandType.valueOf(w.commandType);
        metrics.recoveryFailed(typeLabel(type, w));
        audit(s, w, "step_failed", null, w.phase + " attempt " + w.attempt + ": " + reason,
                Map.of("reason", reason), now, control, out);
        if (w.phase == Workflow.Phase.REPARENTING && reparentVisible(s, w)) {
            succeeded(s, w, Map.of("new_primary", w.candidate), now, now, control, out);
            return;
        }
        if (w.attempt >= settings.maxAttempts()) {
            raise(s, w, "recovery_failed", w.phase + " failed " + w.attempt + " times: " + reason, now, out);
            audit(s, w, "gave_up", null, "retries exhausted", Map.of(), now, control, out);
            endAlerted(s, w, now, control, out);
            return;
        }
        w.attempt++;
        switch (w.phase) {
            case REPARENTING -> {
                if (w.candidate != null) {
                    w.triedCandidates.add(w.candidate);
                }
                TabletState primary = s.primary();
                if (primary == null || !primary.alias.equals(w.oldPrimary)) {
                    // Someone else changed the primary (e.g. the executor refused on compare-and-set).
                    TabletState now_ = s.primary();
                    if (now_ != null && !now_.isDegradedOrStalled() && now_.reachable) {
                        succeeded(s, w, Map.of("new_primary", now_.alias), now, now, control, out);
                        return;
                    }
                }
                TabletState next = selector.select(s, s.tablet(w.oldPrimary), w.triedCandidates, w.cellDegradedShare);
                if (next == null) {
                    noSafeCandidate(s, w, now, control, out);
                    return;
                }
                w.candidate = next.alias;
            }
            case AWAIT_REPLACEMENT -> {
                // The replacement that never became ready is not kept: it is retired as surplus.
                if (w.replacementTablet != null) {
                    s.surplus.add(w.replacementTablet);
                    w.replacementTablet = null;
                }
                w.phase = Workflow.Phase.PROVISIONING;
            }
            default -> {
                // FENCING, PROVISIONING, RETIRING: the same step again, as a new command
            }
        }
        act(s, w, now, control, out);
    }

    /**
     * The anti-flap block holds back a planned reparent only: a STALLED or unreachable primary is an
     * outage, and waiting out the block would prolong it.
     */
    private static boolean blockedByAntiFlap(ShardState s, Problem.Found found, long now) {
        return now < s.blockedUntilMs && found.problem().remedy() == Workflow.Kind.PLANNED_REPARENT;
    }

    /**
     * A primary problem preempts a replacement in progress (after a reparent, or of a replica): the
     * shard's availability comes first. The replacement is abandoned where it stands; the degraded
     * tablet is still in the shard, so it is detected and replaced again once the primary is safe.
     */
    private boolean preempted(ShardState s, Workflow w, long now, Control control, Output out) {
        boolean replacing = w.phase == Workflow.Phase.PROVISIONING || w.phase == Workflow.Phase.AWAIT_REPLACEMENT
                || w.phase == Workflow.Phase.RETIRING;
        if (!replacing || control.paused() || control.dryRun()) {
            return false;
        }
        Problem.Found found = null;
        for (Problem.Found f : Problem.detectAll(s)) {
            if (!f.problem().remedy().isReparent()) {
                continue;
            }
            if (s.alerted.containsKey(f.key())) {
                break; // as in detection: the primary's most urgent problem found no candidate, lesser ones wait too
            }
            if (!f.tablet().alias.equals(w.degradedTablet) && !blockedByAntiFlap(s, f, now)) {
                found = f;
                break;
            }
        }
        if (found == null) {
            return false;
        }
        audit(s, w, "preempted", w.commandId, w.phase + " abandoned: " + found.problem().code() + " on "
                + found.tablet().alias, Map.of("preempted_by", found.problem().code()), now, control, out);
        rememberInFlight(s, w);
        if (w.replacementTablet != null) {
            s.replacements.put(w.degradedTablet, w.replacementTablet);
        }
        s.workflow = null;
        detect(s, now, control, out);
        return true;
    }

    /**
     * A provisioning or retirement given up on (preempted, or timed out: the executor may have started
     * it just before its deadline) may still finish. Its result is then still applied.
     */
    private static void rememberInFlight(ShardState s, Workflow w) {
        if (w.commandId == null || !(FleetCommandType.PROVISION_VOLUME.name().equals(w.commandType)
                || FleetCommandType.RETIRE_VOLUME.name().equals(w.commandType))) {
            return;
        }
        if (s.abandonedSteps.size() >= MAX_ABANDONED_STEPS) {
            s.abandonedSteps.pollFirstEntry();
        }
        s.abandonedSteps.put(w.commandId, w.commandType + "|" + w.degradedTablet + "|" + w.deadlineMs);
    }

    /**
     * The result of a step given up on. A replacement it provisioned serves the workflow now replacing
     * the same tablet, or is kept for the next one, or, when the tablet needs no replacement any more,
     * is surplus and retired in turn; a retirement it made is applied. True if it was one.
     */
    private boolean abandonedStepFinished(ShardState s, CommandResult r, long now, Control control, Output out) {
        String step = s.abandonedSteps.remove(r.getCommandId());
        if (step == null || r.getOutcome() != CommandOutcome.SUCCEEDED) {
            return step != null;
        }
        String[] parts = step.split("\\|", 3);
        String tablet = parts[1];
        if (FleetCommandType.RETIRE_VOLUME.name().equals(parts[0])) {
            markRetired(s, tablet, r.getFinishedTime().toEpochMilli());
            s.replacements.remove(tablet);
            s.surplus.remove(tablet);
            return true;
        }
        String provisioned = r.getObserved().get("tablet_alias");
        if (provisioned != null && FleetCommandType.PROVISION_VOLUME.name().equals(parts[0])) {
            s.provisioned.add(provisioned);
        }
        if (!FleetCommandType.PROVISION_VOLUME.name().equals(parts[0]) || provisioned == null) {
            return true;
        }
        Workflow w = s.workflow;
        TabletState degraded = s.tablet(tablet);
        if (w != null && tablet.equals(w.degradedTablet) && w.phase == Workflow.Phase.PROVISIONING && w.commandId != null) {
            // The workflow is provisioning again for the same tablet: use this one, the other becomes the late one.
            rememberInFlight(s, w);
            w.commandId = null;
            w.replacementTablet = provisioned;
            w.phase = Workflow.Phase.AWAIT_REPLACEMENT;
            w.deadlineMs = now + settings.replacementTimeoutMs();
            audit(s, w, "replacement_adopted", null, "late replacement " + provisioned + " used",
                    Map.of("replacement_tablet", provisioned), now, control, out);
        } else if (degraded != null && degraded.inShard() && !s.replacements.containsKey(tablet)
                && (w == null || !tablet.equals(w.degradedTablet) || w.replacementTablet == null)) {
            s.replacements.put(tablet, provisioned);
        } else {
            s.surplus.add(provisioned);
        }
        return true;
    }

    /**
     * A preempted workflow's provisioning for the same tablet is still in flight: wait for its result
     * instead of provisioning a second replacement.
     */
    private boolean adoptProvisioningInFlight(ShardState s, Workflow w, long now, Control control, Output out) {
        for (Map.Entry<String, String> step : s.abandonedSteps.entrySet()) {
            String[] parts = step.getValue().split("\\|", 3);
            long deadline = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
            if (FleetCommandType.PROVISION_VOLUME.name().equals(parts[0]) && parts[1].equals(w.degradedTablet) && deadline > now) {
                String commandId = step.getKey();
                // Read before removing: TreeMap reuses a removed node for its successor's key.
                s.abandonedSteps.remove(commandId);
                w.commandId = commandId;
                w.commandType = FleetCommandType.PROVISION_VOLUME.name();
                w.deadlineMs = deadline;
                audit(s, w, "provision_adopted", w.commandId, "waits for the replacement already being provisioned",
                        Map.of(), now, control, out);
                return true;
            }
        }
        return false;
    }

    private static void markRetired(ShardState s, String alias, long observedAtMs) {
        TabletState retired = s.tablet(alias);
        s.provisioned.remove(alias);
        if (retired != null) {
            retired.role = "SPARE";
            retired.serving = false;
            retired.updatedMs = Math.max(retired.updatedMs, observedAtMs);
        }
    }

    private void noSafeCandidate(ShardState s, Workflow w, long now, Control control, Output out) {
        raise(s, w, "no_safe_candidate", "no healthy, caught-up replica may be promoted in " + s.shard
                + " (policy " + settings.durabilityPolicy().name().toLowerCase(java.util.Locale.ROOT) + ")", now, out);
        audit(s, w, "no_safe_candidate", null, "no action", Map.of("tried", String.join(",", w.triedCandidates)),
                now, control, out);
        endAlerted(s, w, now, control, out);
    }

    /**
     * Ends a workflow that alerted: its problem is looked at again later (or when a tablet changes),
     * and the shard's other problems are handled meanwhile (replacing a degraded replica may be what
     * gives the next attempt a candidate).
     */
    private void endAlerted(ShardState s, Workflow w, long now, Control control, Output out) {
        if (w.lockHeld) {
            release(s, w, now, out);
        }
        s.alerted.put(w.problemKey, now + settings.noCandidateRetryMs());
        if (w.replacementTablet != null && (w.phase == Workflow.Phase.AWAIT_REPLACEMENT || w.phase == Workflow.Phase.RETIRING)) {
            s.replacements.put(w.degradedTablet, w.replacementTablet); // provisioned already: the next attempt uses it
        }
        s.workflow = null;
        detect(s, now, control, out);
    }

    /** Alerts and audited skips are remembered only while their problem lasts. */
    private static void forgetResolved(ShardState s, java.util.List<Problem.Found> problems) {
        if (s.alerted.isEmpty() && s.skipsAudited.isEmpty()) {
            return;
        }
        java.util.Set<String> current = new java.util.HashSet<>();
        for (Problem.Found f : problems) {
            current.add(f.key());
        }
        s.alerted.keySet().retainAll(current);
        s.skipsAudited.removeIf(entry -> !current.contains(entry.substring(entry.indexOf('/') + 1)));
    }

    /**
     * What the executor reported, applied to the shard's view until the topology source says it
     * itself (its records older than the executor's answer change nothing): the new primary at the
     * next term, the old one demoted. Without it, the stale view would show the old primary still
     * failing.
     */
    private static void applyReparent(ShardState s, Workflow w, Map<String, String> observed, long observedAtMs) {
        TabletState promoted = s.tablet(w.newPrimary);
        TabletState demoted = s.tablet(w.oldPrimary);
        if (promoted == null || promoted.isPrimary() && promoted.primaryTerm > w.expectedTerm) {
            return; // already visible in the topology
        }
        long term = w.expectedTerm + 1;
        try {
            term = Long.parseLong(observed.getOrDefault("primary_term", Long.toString(term)));
        } catch (NumberFormatException e) {
            // keep expectedTerm + 1: every reparent moves the term by one
        }
        for (TabletState t : new TabletState[] {promoted, demoted}) {
            if (t != null) {
                t.updatedMs = Math.max(t.updatedMs, observedAtMs);
                t.primaryTerm = term;
            }
        }
        promoted.role = "PRIMARY";
        promoted.replicationLagMs = null;
        if (demoted != null && demoted != promoted) {
            demoted.role = "REPLICA";
            s.fenced.remove(demoted.alias);
            demoted.serving = w.kind == Workflow.Kind.PLANNED_REPARENT && demoted.serving;
        }
    }

    private boolean reparentVisible(ShardState s, Workflow w) {
        TabletState primary = s.primary();
        return primary != null && primary.alias.equals(w.candidate) && primary.primaryTerm > w.expectedTerm;
    }

    private void skip(ShardState s, Problem.Found found, String decision, String summary, long now, Control control, Output out) {
        String key = decision + "/" + found.key();
        if (!s.skipsAudited.add(key)) {
            return;
        }
        AuditEvent event = AuditEvent.newBuilder()
                .setEventId(CommandIds.of("audit", s.shard, decision, found.key()))
                .setApp(APP).setScope(Scopes.shard(s.keyspace, s.shardName)).setDecision(decision)
                .setCommandId(null).setSummary(summary)
                .setEvidence(Map.of("problem", found.problem().code(), "tablet", found.tablet().alias,
                        "health", found.tablet().health))
                .setPosition(null).setEventTime(Instant.ofEpochMilli(now)).setDryRun(control.dryRun())
                .build();
        out.audit(event);
    }

    private void requestLock(ShardState s, Workflow w, long now) {
        w.nextLockRequestMs = now + settings.lockRetryMs();
    }

    private LockMessage lockRequest(ShardState s, Workflow w, long now) {
        return LockMessage.of(LockMessage.Type.REQUEST, s.shard, w.id, w.degradedCell, now);
    }

    private void release(ShardState s, Workflow w, long now, Output out) {
        w.lockHeld = false;
        out.lock(LockMessage.of(LockMessage.Type.RELEASE, s.shard, w.id, w.degradedCell, now));
    }

    private void audit(ShardState s, Workflow w, String decision, String commandId, String summary,
                       Map<String, String> evidence, long now, Control control, Output out) {
        Map<String, String> e = new LinkedHashMap<>(evidence);
        e.put("workflow_id", w.id);
        e.put("phase", String.valueOf(w.phase));
        out.audit(AuditEvent.newBuilder()
                .setEventId(CommandIds.of("audit", w.id, decision, w.attempt, commandId, w.phase))
                .setApp(APP).setScope(Scopes.shard(s.keyspace, s.shardName)).setDecision(decision)
                .setCommandId(commandId).setSummary(summary).setEvidence(e).setPosition(null)
                .setEventTime(Instant.ofEpochMilli(now)).setDryRun(control.dryRun())
                .build());
    }

    private void raise(ShardState s, Workflow w, String code, String summary, long now, Output out) {
        out.alert(Alert.newBuilder()
                .setAlertId(CommandIds.of("alert", code, s.shard, w.problemKey))
                .setApp(APP).setSeverity(Severity.CRITICAL).setCode(code)
                .setScope(Scopes.shard(s.keyspace, s.shardName)).setSummary(summary)
                .setEvidence(Map.of("workflow_id", w.id, "problem", w.problem, "tablet", w.degradedTablet,
                        "tried", String.join(",", w.triedCandidates)))
                .setRaisedTime(Instant.ofEpochMilli(now))
                .build());
    }

    private static void identify(ShardState s, String keyspace, String shard) {
        if (s.shard == null) {
            s.keyspace = keyspace;
            s.shardName = shard;
            s.shard = keyspace + "/" + shard;
        }
    }

    private static String typeLabel(FleetCommandType type, Workflow w) {
        if (type == FleetCommandType.REPARENT) {
            return w.kind == Workflow.Kind.EMERGENCY_REPARENT ? "reparent_emergency" : "reparent_planned";
        }
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String decisionOf(FleetCommandType type, Workflow w) {
        return switch (type) {
            case REPARENT -> w.kind == Workflow.Kind.EMERGENCY_REPARENT ? "reparent_emergency" : "reparent_planned";
            case FENCE -> "fence";
            case PROVISION_VOLUME -> "provision_volume";
            case RETIRE_VOLUME -> "retire_volume";
            default -> "unknown";
        };
    }

    private static String summaryOf(FleetCommand c) {
        return switch (c.getType()) {
            case REPARENT -> c.getReparentMode() + " reparent of " + c.getKeyspace() + "/" + c.getShard() + " to "
                    + c.getNewPrimary() + " (expected primary " + c.getExpectedPrimary() + ", term " + c.getExpectedPrimaryTerm() + ")";
            case FENCE -> "fence " + c.getTargetTabletAlias();
            case PROVISION_VOLUME -> "provision a replacement for " + c.getTargetVolumeId() + " in " + c.getCell();
            case RETIRE_VOLUME -> "retire " + c.getTargetVolumeId() + " of " + c.getTargetTabletAlias();
            default -> c.getType().name();
        };
    }
}
