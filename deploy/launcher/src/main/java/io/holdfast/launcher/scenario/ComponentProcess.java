package io.holdfast.launcher.scenario;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One holdfast command as its own JVM, started from this process's own Java and class path, its
 * output appended to a log: what a crash scenario kills with SIGKILL and starts again. Ready when the
 * command has printed its "Ctrl-C" line since its latest start. Used by {@code crash-and-resume} and {@code holdfast chaos}.
 */
public final class ComponentProcess implements AutoCloseable {

    private static final String MARK = "---- start ";
    private static final Pattern HTTP = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)|HTTP on port (\\d+)");

    private final String name;
    private final List<String> args;
    private final Path log;
    private Process process;
    private int starts;
    /** Where the latest start's output begins in the log: read from there, not the whole log (it grows over a long run). */
    private long startOffset;

    public ComponentProcess(String name, Path logDir, String... args) throws IOException {
        this.name = name;
        this.args = List.of(args);
        Files.createDirectories(logDir);
        this.log = logDir.resolve(name + ".log");
        Files.deleteIfExists(log);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public int starts() {
        return starts;
    }

    public ComponentProcess start() throws IOException {
        starts++;
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        // Small, quick to start: several of these share two cores with the broker, the database and S3.
        command.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.holdfast.launcher.Holdfast"));
        command.addAll(args);
        startOffset = Files.exists(log) ? Files.size(log) : 0;
        Files.writeString(log, MARK + starts + ": " + String.join(" ", args) + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return this;
    }

    /** Waits for the "Ctrl-C" line of the latest start; false when the process ended or the time ran out. */
    public boolean awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (latestOutput().contains("Ctrl-C")) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Whether the latest start has printed its "Ctrl-C" line (is serving). */
    public boolean isReady() throws IOException {
        return latestOutput().contains("Ctrl-C");
    }

    /** The HTTP port the latest start printed, if any. */
    public Optional<Integer> httpPort() throws IOException {
        Matcher m = HTTP.matcher(latestOutput());
        return m.find() ? Optional.of(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2))) : Optional.empty();
    }

    /** What the process printed since its latest start. */
    public String latestOutput() throws IOException {
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(log, StandardOpenOption.READ)) {
            long size = in.size();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) Math.max(0, size - startOffset));
            in.position(startOffset);
            while (bytes.hasRemaining() && in.read(bytes) >= 0) {
                // until the size read at the start
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        }
    }

    /** A line on the process's standard input (the simulator's console). */
    public void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** SIGKILL, as a crash: nothing is flushed, no shutdown code runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM and up to 60 s for a graceful stop, then SIGKILL. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
