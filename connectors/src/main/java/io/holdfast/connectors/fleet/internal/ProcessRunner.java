package io.holdfast.connectors.fleet.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program (vtctldclient, a hook) to completion or until a timeout, and returns its
 * exit code and output. Output goes to temporary files rather than pipes, so that a chatty program
 * can never block on a full pipe; only the last {@value #KEPT_BYTES} bytes of each stream are kept.
 */
public final class ProcessRunner {

    static final int KEPT_BYTES = 64 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /** What a run came to: the exit code (-1 when it was stopped at the timeout) and its output. */
    public record Outcome(int exitCode, boolean timedOut, String stdout, String stderr, Duration took) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    /**
     * Runs {@code command} with {@code environment} added to this process's environment.
     *
     * @throws IOException          if the program cannot be started (not found, not executable)
     * @throws InterruptedException if interrupted while waiting; the program is stopped first
     */
    public Outcome run(List<String> command, Map<String, String> environment, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("holdfast-fleet-", ".out");
        Path err = Files.createTempFile("holdfast-fleet-", ".err");
        long began = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                stop(process);
                throw e;
            }
            if (!finished) {
                stop(process);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            return new Outcome(finished ? process.exitValue() : -1, !finished, tail(out), tail(err), took);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String tail(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - KEPT_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
