package io.holdfast.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three real components holdfast runs against, started together on one machine: a Kafka broker,
 * MariaDB with binlog, and an S3 server. They start in parallel (the slowest, S3Mock, takes a few
 * seconds) and stop in reverse order. Used by {@code holdfast dev} and by integration tests.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    /** The bucket that holds entity snapshots in the dev stack. */
    public static final String DEFAULT_BUCKET = "holdfast-snapshots";

    /**
     * Where and how the stack runs.
     *
     * @param rootDir parent of the components' data directories ({@code kafka/}, {@code mariadb/}, {@code s3/})
     * @param bucket bucket created at start on the S3 server
     * @param kafkaPort broker port, 0 for a free one
     * @param mariaDbPort database port, 0 for a free one
     * @param s3Port S3 HTTP port, 0 for a free one
     */
    public record Options(Path rootDir, String bucket, int kafkaPort, int mariaDbPort, int s3Port) {
        public static Options in(Path rootDir) {
            return new Options(rootDir, DEFAULT_BUCKET, 0, 0, 0);
        }

        public Options withPorts(int kafka, int mariaDb, int s3) {
            return new Options(rootDir, bucket, kafka, mariaDb, s3);
        }
    }

    private final Options options;
    private final EmbeddedKafka kafka;
    private final EmbeddedMariaDb mariaDb;
    private final EmbeddedS3 s3;

    private EmbeddedStack(Options options, EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, EmbeddedS3 s3) {
        this.options = options;
        this.kafka = kafka;
        this.mariaDb = mariaDb;
        this.s3 = s3;
    }

    /** Starts all three; if any fails, stops the others and throws with every failure's reason. */
    public static EmbeddedStack start(Options options) {
        return start(options, component -> { });
    }

    /** As {@link #start(Options)}, telling {@code ready} about each component as soon as it is up. */
    public static EmbeddedStack start(Options options, java.util.function.Consumer<Object> ready) {
        Path root = options.rootDir().toAbsolutePath();
        ExecutorService starters = Executors.newFixedThreadPool(3, r -> new Thread(r, "holdfast-stack-start"));
        List<String> failures = new ArrayList<>();
        EmbeddedKafka k;
        EmbeddedMariaDb m;
        EmbeddedS3 s;
        try {
            CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(
                    EmbeddedKafka.Options.in(root.resolve("kafka")).withPorts(options.kafkaPort(), 0)), starters)
                    .whenComplete((c, e) -> notify(ready, c));
            CompletableFuture<EmbeddedMariaDb> mariaDb = CompletableFuture.supplyAsync(() -> EmbeddedMariaDb.start(
                    EmbeddedMariaDb.Options.in(root.resolve("mariadb")).withPort(options.mariaDbPort())), starters)
                    .whenComplete((c, e) -> notify(ready, c));
            CompletableFuture<EmbeddedS3> s3 = CompletableFuture.supplyAsync(() -> EmbeddedS3.start(
                    EmbeddedS3.Options.in(root.resolve("s3"), options.bucket()).withHttpPort(options.s3Port())), starters)
                    .whenComplete((c, e) -> notify(ready, c));
            k = join("Kafka", kafka, failures);
            m = join("MariaDB", mariaDb, failures);
            s = join("S3", s3, failures);
        } finally {
            starters.shutdown();
        }
        if (!failures.isEmpty()) {
            closeQuietly(s);
            closeQuietly(m);
            closeQuietly(k);
            throw new EmbeddedStartException(String.join("; ", failures));
        }
        return new EmbeddedStack(options, k, m, s);
    }

    private static void notify(java.util.function.Consumer<Object> ready, Object component) {
        if (component != null) {
            ready.accept(component);
        }
    }

    private static <T> T join(String name, CompletableFuture<T> future, List<String> failures) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(name + ": interrupted");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failures.add(cause instanceof EmbeddedStartException ? cause.getMessage() : name + ": " + cause);
            log.debug("{} failed to start", name, cause);
        }
        return null;
    }

    private static void closeQuietly(AutoCloseable component) {
        if (component == null) {
            return;
        }
        try {
            component.close();
        } catch (Exception e) {
            log.warn("stopping {} failed: {}", component, e.toString());
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedMariaDb mariaDb() {
        return mariaDb;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    public String bucket() {
        return options.bucket();
    }

    public Path rootDir() {
        return options.rootDir();
    }

    /** PIDs of every running server process, for checks that nothing outlives the stack. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (long pid : new long[] {kafka.pid(), mariaDb.pid(), s3.pid()}) {
            if (pid > 0) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /** Stops S3, then MariaDB, then Kafka (clients of the first two may still report to Kafka). */
    @Override
    public void close() {
        closeQuietly(s3);
        closeQuietly(mariaDb);
        closeQuietly(kafka);
    }
}
