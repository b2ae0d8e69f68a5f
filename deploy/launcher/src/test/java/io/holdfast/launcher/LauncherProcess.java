package io.holdfast.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One packaged {@code holdfast} command as its own JVM, for tests that crash and restart components:
 * output appended to a log kept under {@code target/it-logs}, {@link #kill()} is SIGKILL, {@link #stop()}
 * SIGTERM, and {@link #close()} makes sure the process (and anything it started) is gone, by PID.
 */
final class LauncherProcess implements AutoCloseable {

    static final Path LAUNCHER = Path.of("target", "holdfast", "bin", "holdfast").toAbsolutePath();

    private final String name;
    private final List<String> args;
    private final Path log;
    private Process process;
    private int starts;
    private final List<Long> pids = new ArrayList<>();
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    LauncherProcess(String name, Path logDir, String... args) throws IOException {
        this.name = name;
        this.args = List.of(args);
        Files.createDirectories(logDir);
        this.log = logDir.resolve(name + ".log").toAbsolutePath();
        Files.deleteIfExists(log);
    }

    /** Adds variables to the environment of every later start (on top of this JVM's). */
    LauncherProcess withEnvironment(java.util.Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /** JVM options for every later start ({@code HOLDFAST_JAVA_OPTS} of the launcher script). */
    LauncherProcess javaOptions(String options) {
        return withEnvironment(java.util.Map.of("HOLDFAST_JAVA_OPTS", options));
    }

    LauncherProcess start() throws IOException {
        starts++;
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(args);
        Files.writeString(log, "---- start " + starts + ": " + String.join(" ", args) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        pids.add(process.pid());
        return this;
    }

    /** SIGKILL, as a crash: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL");
        }
    }

    /** SIGTERM, a graceful stop; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM:\n" + logTail());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself; returns its exit code, or -1 on timeout. */
    int awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit) ? process.exitValue() : -1;
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Every process this ever started is gone afterwards, checked by PID. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                try {
                    p.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(name + " (pid " + pid + ") still running", e);
                }
            });
        }
    }

    List<Long> pids() {
        return List.copyOf(pids);
    }
}
