package io.holdfast.launcher;

import io.holdfast.connectors.store.StoreChecks;
import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.WriteLedger;
import io.holdfast.connectors.writer.WriteLoad;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.Failures;
import io.holdfast.launcher.internal.StopSignal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast write}: revisions written to the entity store through the reference writer, with
 * crashes injected between its steps, so that the reconciler has real half-done writes to find and repair.
 */
@Command(name = "write", mixinStandardHelpOptions = true,
        description = {"Write revisions of entities to the entity store (S3 snapshot, revision row, head, published tag), "
                + "at a bounded rate, optionally stopping writes after a step as a crash would.",
                "The store is holdfast.db.* and holdfast.s3.* with holdfast.snapshots.* (see `holdfast config --list`); "
                        + "the revisions and heads tables are created if missing."})
final class WriteCommand implements Callable<Integer> {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--entities", paramLabel = "N", required = true, description = "Entities to write (ids <prefix>000001, ...).")
    int entities;

    @Option(names = "--revisions", paramLabel = "M", required = true, description = "Writes of each entity.")
    int revisions;

    @Option(names = "--rate", paramLabel = "R", required = true, description = "Most writes per second, over all threads.")
    double rate;

    @Option(names = "--fail-after-s3", paramLabel = "P", defaultValue = "0",
            description = "Probability that a write stops once its snapshot is in S3 (default ${DEFAULT-VALUE}).")
    double failAfterS3;

    @Option(names = "--fail-after-row", paramLabel = "P", defaultValue = "0",
            description = "Probability that a write that got that far stops once its revision row is in (default ${DEFAULT-VALUE}).")
    double failAfterRow;

    @Option(names = "--fail-after-head", paramLabel = "P", defaultValue = "0",
            description = "Probability that a write that got that far stops once the head is advanced (default ${DEFAULT-VALUE}).")
    double failAfterHead;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "4",
            description = "Writing threads; one entity's writes are always made by one thread, in order (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the contents and of the injected stops (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ledger", paramLabel = "FILE",
            description = "Append one JSON line per write: entity, revision, content_hash, stopped_after (none|s3|row|head).")
    Path ledger;

    @Option(names = "--entity-prefix", paramLabel = "X", defaultValue = "entity-",
            description = "Entity ids are X followed by a six-digit number (default ${DEFAULT-VALUE}).")
    String entityPrefix;

    @Override
    public Integer call() throws Exception {
        WriteLoad.Settings load = checkedSettings();
        PrintWriter out = spec.commandLine().getOut();
        StoreConfig store = StoreConfig.ofValidated(config.validated(Map.of()));
        try (StoreClients clients = StoreClients.open(store)) {
            StoreChecks.requireBucket(clients.s3(), store.bucket());
            StoreChecks.requireDatabase(clients.database(), store.getString(StoreConfig.DB_URL), true);
            RevisionWriter writer = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                    new FailurePlan(failAfterS3, failAfterRow, failAfterHead, seed));
            try (WriteLedger ledgerFile = ledger == null ? null : openLedger(ledger)) {
                WriteLoad run = new WriteLoad(writer, load, Optional.ofNullable(ledgerFile));
                stopOnSignal(run);
                out.printf("holdfast write: %d revisions of %d entities (%s...) to s3://%s/%s at most %s writes/s on %d threads%s%n",
                        revisions, entities, load.entityId(1), store.bucket(), store.prefix(), rate, load.threads(),
                        ledger == null ? "" : ", ledger " + ledger);
                out.flush();
                WriteLoad.Progress done = run.run(PROGRESS_EVERY, progress -> {
                    out.println("holdfast write: " + progress.oneLine());
                    out.flush();
                });
                out.println("holdfast write: done: " + done.oneLine());
            }
        }
        return 0;
    }

    private static WriteLedger openLedger(Path file) {
        try {
            return WriteLedger.appendingTo(file);
        } catch (IOException e) {
            throw new Failures.UserError("cannot open the ledger " + file + ": " + e);
        }
    }

    /** Usage errors, before anything is contacted: exit 2 with one line, like a flag picocli cannot parse. */
    private WriteLoad.Settings checkedSettings() {
        positive("--entities", entities);
        positive("--revisions", revisions);
        positive("--threads", threads);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a positive number of writes per second, not " + rate);
        }
        probability("--fail-after-s3", failAfterS3);
        probability("--fail-after-row", failAfterRow);
        probability("--fail-after-head", failAfterHead);
        if (entityPrefix.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--entity-prefix must not be blank");
        }
        return new WriteLoad.Settings(entities, revisions, rate, threads, seed, entityPrefix);
    }

    private void positive(String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, not " + value);
        }
    }

    private void probability(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new ParameterException(spec.commandLine(), option + " must be a probability between 0 and 1, not " + value);
        }
    }

    /** Ctrl-C or SIGTERM: every thread finishes the write in hand, and the summary is printed. */
    private static void stopOnSignal(WriteLoad run) {
        StopSignal stop = StopSignal.install();
        Thread watcher = new Thread(() -> {
            try {
                stop.await();
                run.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "holdfast-write-stop");
        watcher.setDaemon(true);
        watcher.start();
    }
}
