package io.holdfast.connectors.writer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * {@code holdfast write}: {@code revisions} writes of each of {@code entities} entities through a
 * {@link RevisionWriter}, at most {@code ratePerSecond} writes a second over {@code threads} threads.
 * The writes of one entity are made one after the other, by one thread, so that its revisions come in
 * order; entities are spread over the threads. The first write that fails ends the run: the ledger
 * would otherwise stop being the ground truth.
 */
public final class WriteLoad {

    /**
     * @param entityPrefix entity ids are this followed by a six-digit number from 1 ({@code entity-000001})
     * @param seed         seed of the contents (the failure plan has its own)
     */
    public record Settings(int entities, int revisions, double ratePerSecond, int threads, long seed, String entityPrefix) {
        public Settings {
            if (entities < 1 || revisions < 1 || threads < 1 || !(ratePerSecond > 0)) {
                throw new IllegalArgumentException("entities, revisions, threads and the rate must be positive");
            }
        }

        public long totalWrites() {
            return (long) entities * revisions;
        }

        public String entityId(int number) {
            return entityPrefix + String.format("%06d", number);
        }
    }

    /** Counts so far. */
    public record Progress(long writes, long total, long complete, long stoppedAfterS3, long stoppedAfterRow, long stoppedAfterHead,
                           long revisionConflicts, Duration elapsed) {
        public double writesPerSecond() {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds > 0 ? writes / seconds : 0;
        }

        public String oneLine() {
            return String.format("%d/%d writes (%d complete; stopped after s3 %d, after row %d, after head %d), %d revision conflicts "
                            + "(412) retried, %.1f writes/s", writes, total, complete, stoppedAfterS3, stoppedAfterRow, stoppedAfterHead,
                    revisionConflicts, writesPerSecond());
        }
    }

    private final RevisionWriter writer;
    private final Settings settings;
    private final Optional<WriteLedger> ledger;
    private final Pacer pacer;
    private final LongAdder writes = new LongAdder();
    private final LongAdder[] stopped = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder conflicts = new LongAdder();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private long startNanos;

    public WriteLoad(RevisionWriter writer, Settings settings, Optional<WriteLedger> ledger) {
        this.writer = writer;
        this.settings = settings;
        this.ledger = ledger;
        this.pacer = new Pacer(settings.ratePerSecond());
    }

    /**
     * Runs to the end (or until {@link #stop()}), calling {@code onProgress} every {@code every} on this thread.
     *
     * @return the final counts
     * @throws IllegalStateException carrying the first write failure, after every thread has stopped
     */
    public Progress run(Duration every, Consumer<Progress> onProgress) throws InterruptedException {
        startNanos = System.nanoTime();
        int threads = Math.min(settings.threads(), settings.entities());
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t + 1;
            Thread worker = new Thread(() -> {
                try {
                    writeEntities(first, threads);
                } finally {
                    finished.countDown();
                }
            }, "holdfast-write-" + first);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        try {
            while (!finished.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                onProgress.accept(progress());
            }
        } catch (InterruptedException e) {
            stop();
            workers.forEach(Thread::interrupt);
            throw e;
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("write failed after " + writes.sum() + " writes: " + failed.getMessage(), failed);
        }
        return progress();
    }

    /** Entities {@code first}, {@code first + step}, ...: each entity's revisions in order. */
    private void writeEntities(int first, int step) {
        for (int number = first; number <= settings.entities() && !stopping; number += step) {
            String entity = settings.entityId(number);
            Random contents = new Random(settings.seed() * 31 + number);
            for (int write = 1; write <= settings.revisions() && !stopping; write++) {
                try {
                    pacer.acquire();
                    WriteResult result = writer.write(entity, content(entity, write, contents));
                    count(result);
                    ledger.ifPresent(l -> l.record(result));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    stopping = true;
                    return;
                }
            }
        }
    }

    /** A small JSON document; the nonce makes every content, and so every hash, different. */
    private static byte[] content(String entity, int write, Random random) {
        return String.format("{\"entity\":\"%s\",\"write\":%d,\"nonce\":\"%016x\"}", entity, write, random.nextLong())
                .getBytes(StandardCharsets.UTF_8);
    }

    private void count(WriteResult result) {
        writes.increment();
        stopped[result.stoppedAfter().ordinal()].increment();
        conflicts.add(result.revisionConflicts());
    }

    public Progress progress() {
        return new Progress(writes.sum(), settings.totalWrites(), stopped[StoppedAfter.NONE.ordinal()].sum(),
                stopped[StoppedAfter.S3.ordinal()].sum(), stopped[StoppedAfter.ROW.ordinal()].sum(),
                stopped[StoppedAfter.HEAD.ordinal()].sum(), conflicts.sum(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Lets each thread finish the write in hand, then stop. */
    public void stop() {
        stopping = true;
    }
}
