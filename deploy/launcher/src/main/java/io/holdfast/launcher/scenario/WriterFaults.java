package io.holdfast.launcher.scenario;

import io.holdfast.connectors.store.StoreAudit;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.WriteLoad;
import io.holdfast.launcher.internal.DevSystem;
import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Writers stop after each step of the write (after the S3 put, after the revision row, after the head)
 * as crashed writers would; holdfast replays the missing rows, advances the heads and marks the
 * snapshots published until the store, read directly, is consistent again.
 */
final class WriterFaults implements SystemScenario {

    static final int ENTITIES = 100;
    static final int REVISIONS = 3;
    static final double STOP_CHANCE = 0.15;
    static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(4);

    @Override
    public String name() {
        return "writer-faults";
    }

    @Override
    public String demonstrates() {
        return "writers stop after the S3 put, after the row or after the head (15% each): the reconciler replays, advances and "
                + "publishes until the store read directly is consistent (time to converge)";
    }

    @Override
    public ScenarioOutcome play(DevSystem system, PrintWriter out) throws Exception {
        ScenarioOutcome outcome = new ScenarioOutcome();
        StoreConfig store = StoreConfig.ofValidated(system.settings());
        Map<String, Long> before = system.writePath().decisionCounts();
        try (StoreClients clients = StoreClients.open(store)) {
            RevisionWriter writer = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                    new FailurePlan(STOP_CHANCE, STOP_CHANCE, STOP_CHANCE, 7));
            WriteLoad load = new WriteLoad(writer, new WriteLoad.Settings(ENTITIES, REVISIONS, 50, 4, 7, "faults-"), Optional.empty());
            out.printf("scenario: writing %d revisions of %d entities, each write stopped after a step with %.0f%% chance per step%n",
                    ENTITIES * REVISIONS, ENTITIES, STOP_CHANCE * 100);
            out.flush();
            WriteLoad.Progress written = load.run(Duration.ofSeconds(5), p -> {
                out.println("scenario: " + p.oneLine());
                out.flush();
            });
            Instant lastWrite = Instant.now();
            out.println("scenario: written: " + written.oneLine() + "; waiting for the store to be consistent");
            out.flush();
            StoreAudit.Report[] last = new StoreAudit.Report[1];
            long audits = 0;
            Instant converged = null;
            Instant deadline = lastWrite.plus(CONVERGENCE_TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                Instant auditStart = Instant.now();
                try (Connection db = clients.connection()) {
                    last[0] = StoreAudit.check(clients.s3(), store.bucket(), store.prefix(), db);
                }
                audits++;
                if (last[0].consistent()) {
                    converged = auditStart;
                    break;
                }
                out.println("scenario: not yet: " + last[0].summary());
                out.flush();
                Thread.sleep(3_000);
            }
            Map<String, Long> after = system.writePath().decisionCounts();
            outcome.figure("writes", written.writes() + " (" + written.stoppedAfterS3() + " stopped after S3, " + written.stoppedAfterRow()
                    + " after the row, " + written.stoppedAfterHead() + " after the head, " + written.complete() + " complete)");
            outcome.figure("repairs decided", "replay " + (after.get("replay_snapshot") - before.get("replay_snapshot"))
                    + ", advance head " + (after.get("advance_head") - before.get("advance_head"))
                    + ", mark published " + (after.get("mark_published") - before.get("mark_published")));
            outcome.seconds("consistent after the last write (start of the first clean audit)", FleetWatch.between(lastWrite, converged));
            outcome.figure("audits", Long.toString(audits));
            outcome.figure("final audit", last[0] == null ? "none" : last[0].summary());
            outcome.expect("a stop after each step was planted", written.stoppedAfterS3() > 0 && written.stoppedAfterRow() > 0
                    && written.stoppedAfterHead() > 0, written.oneLine());
            outcome.expect("every snapshot has its row and the published tag, every head at its highest revision, within "
                    + CONVERGENCE_TIMEOUT.toMinutes() + " min", converged != null, last[0] == null ? "no audit" : last[0].summary());
            outcome.expect("all " + ENTITIES * REVISIONS + " snapshots there", last[0] != null && last[0].snapshots() == ENTITIES * REVISIONS,
                    last[0] == null ? "no audit" : Integer.toString(last[0].snapshots()));
        }
        return outcome;
    }
}
