package io.holdfast.launcher.internal;

import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.connectors.writer.FailurePlan;
import io.holdfast.connectors.writer.RevisionWriter;
import io.holdfast.connectors.writer.StoppedAfter;
import io.holdfast.connectors.writer.WriteResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference revision writer at a steady rate on a background thread, over a fixed set of
 * entities in turn, with writes stopped after a step now and then (as a crashed writer would), so
 * that {@code holdfast dev} always has something for the reconciler to repair. A write that fails
 * (the store briefly unreachable) is counted and the next one tried a second later: the load is
 * background, not a test.
 */
public final class SteadyWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SteadyWriter.class);

    /** Writes per second, entities written in turn, and the chance of stopping after the S3 put / the row / the head. */
    public record Plan(double ratePerSecond, int entities, double failAfterS3, double failAfterRow, double failAfterHead, long seed,
                       String entityPrefix) {
        public Plan(double ratePerSecond, int entities, double failAfterS3, double failAfterRow, long seed, String entityPrefix) {
            this(ratePerSecond, entities, failAfterS3, failAfterRow, 0, seed, entityPrefix);
        }
    }

    /** Counts since the start. */
    public record Progress(long writes, long complete, long stoppedAfterS3, long stoppedAfterRow, long stoppedAfterHead, long failed,
                           double writesPerSecond) {}

    private final RevisionWriter writer;
    private final Plan plan;
    private final Consumer<WriteResult> onWrite;
    private final Thread thread;
    private final LongAdder writes = new LongAdder();
    private final LongAdder complete = new LongAdder();
    private final LongAdder afterS3 = new LongAdder();
    private final LongAdder afterRow = new LongAdder();
    private final LongAdder afterHead = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final long startNanos = System.nanoTime();
    private volatile boolean stopping;

    private SteadyWriter(RevisionWriter writer, Plan plan, Consumer<WriteResult> onWrite) {
        this.writer = writer;
        this.plan = plan;
        this.onWrite = onWrite;
        this.thread = new Thread(this::run, "holdfast-dev-writer");
        this.thread.setDaemon(true);
    }

    public static SteadyWriter start(StoreClients clients, StoreConfig store, Plan plan) {
        return start(clients, store, plan, result -> { });
    }

    /** As {@link #start(StoreClients, StoreConfig, Plan)}, telling {@code onWrite} what each write that returned did (a checker's ground truth). */
    public static SteadyWriter start(StoreClients clients, StoreConfig store, Plan plan, Consumer<WriteResult> onWrite) {
        RevisionWriter writer = new RevisionWriter(clients.s3(), clients.database(), store.bucket(), store.prefix(),
                new FailurePlan(plan.failAfterS3(), plan.failAfterRow(), plan.failAfterHead(), plan.seed()));
        SteadyWriter steady = new SteadyWriter(writer, plan, onWrite);
        steady.thread.start();
        return steady;
    }

    private void run() {
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / plan.ratePerSecond());
        long next = System.nanoTime();
        for (long n = 0; !stopping; n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
            String entity = String.format("%s%06d", plan.entityPrefix(), 1 + n % plan.entities());
            try {
                WriteResult result = writer.write(entity, String.format("{\"entity\":\"%s\",\"write\":%d,\"at\":%d}", entity, n,
                        System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                count(result);
                onWrite.accept(result);
            } catch (Exception e) {
                failed.increment();
                if (lastFailure.getAndSet(Failures.oneLine(e)) == null) {
                    log.warn("dev writer: a write of {} failed; going on ({})", entity, Failures.oneLine(e));
                }
                next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
        }
    }

    private void count(WriteResult result) {
        writes.increment();
        if (result.stoppedAfter() == StoppedAfter.NONE) {
            complete.increment();
        } else if (result.stoppedAfter() == StoppedAfter.S3) {
            afterS3.increment();
        } else if (result.stoppedAfter() == StoppedAfter.ROW) {
            afterRow.increment();
        } else if (result.stoppedAfter() == StoppedAfter.HEAD) {
            afterHead.increment();
        }
    }

    public Progress progress() {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        return new Progress(writes.sum(), complete.sum(), afterS3.sum(), afterRow.sum(), afterHead.sum(), failed.sum(), writes.sum() / seconds);
    }

    /** Lets the write in hand finish (a stop mid-write is what the failure plan is for). */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
