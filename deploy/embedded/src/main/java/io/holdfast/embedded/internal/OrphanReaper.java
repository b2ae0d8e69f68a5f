package io.holdfast.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops this JVM's child processes by PID when the JVM dies without stopping them itself (SIGKILL,
 * OOM kill, a crash): the JVM has no way to take its children with it, and a leftover broker or
 * mariadbd would hold ports and data directories.
 *
 * <p>One small shell watchdog per JVM, in its own session so that a terminal's Ctrl-C does not kill
 * it, polls the parent's PID. When the parent is gone it reads the registry file (one line per
 * child: PID and start time from /proc, so a recycled PID is never killed), sends SIGTERM, waits up
 * to five seconds, then SIGKILL. Children stopped normally are removed from the registry.
 */
public final class OrphanReaper {

    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
    private static final Object lock = new Object();
    private static OrphanReaper instance;

    private final Path registry;
    private final Process watchdog;

    private OrphanReaper(Path registry, Process watchdog) {
        this.registry = registry;
        this.watchdog = watchdog;
    }

    /** The reaper of this JVM, started on first use. */
    public static OrphanReaper get() {
        synchronized (lock) {
            if (instance == null) {
                instance = start();
            }
            return instance;
        }
    }

    private static OrphanReaper start() {
        try {
            Path dir = Files.createTempDirectory("holdfast-reaper-");
            Path registry = dir.resolve("children");
            Files.createFile(registry);
            Path script = dir.resolve("reaper.sh");
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            long parent = ProcessHandle.current().pid();
            ProcessBuilder builder = new ProcessBuilder("setsid", "/bin/sh", script.toString(),
                    Long.toString(parent), registry.toString(), dir.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("reaper.log").toFile()));
            Process watchdog = builder.start();
            // No shutdown hook stops the watchdog: on a normal exit the registry is empty by then
            // (children stopped gracefully are released), and on an exit that forgot a child the
            // watchdog is exactly what stops it.
            return new OrphanReaper(registry, watchdog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan reaper", e);
        }
    }

    /** Registers a child: it will be killed if this JVM dies before {@link #release} is called. */
    public void watch(long pid) {
        Optional<String> startTime = startTime(pid);
        if (startTime.isEmpty()) {
            return; // already gone
        }
        synchronized (lock) {
            try {
                Files.writeString(registry, pid + " " + startTime.get() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot register child " + pid, e);
            }
        }
    }

    /** Forgets a child that this JVM has stopped itself. */
    public void release(long pid) {
        synchronized (lock) {
            try {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(registry, StandardCharsets.UTF_8)) {
                    if (!line.startsWith(pid + " ")) {
                        kept.add(line);
                    }
                }
                Files.write(registry, kept, StandardCharsets.UTF_8);
            } catch (IOException e) {
                log.warn("cannot unregister child {}: {}", pid, e.toString());
            }
        }
    }

    /** PID of the watchdog itself (tests check that it does not outlive its purpose either). */
    public long watchdogPid() {
        return watchdog.pid();
    }

    /** Field 22 of /proc/PID/stat: the process start time in clock ticks since boot. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces; fields after it start past the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(rest[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final String SCRIPT = """
            #!/bin/sh
            # holdfast orphan reaper: $1 = parent PID, $2 = registry file, $3 = own directory
            trap '' INT HUP
            trap 'exit 0' TERM
            parent="$1"; registry="$2"; dir="$3"
            starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
            while kill -0 "$parent" 2>/dev/null; do sleep 0.5; done
            victims=""
            while read -r pid start; do
              [ -n "$pid" ] || continue
              if [ "$(starttime "$pid")" = "$start" ]; then
                kill -TERM "$pid" 2>/dev/null && victims="$victims $pid"
                echo "reaper: parent $parent gone, sent TERM to $pid" >&2
              fi
            done < "$registry"
            for _ in 1 2 3 4 5 6 7 8 9 10; do
              alive=""
              for pid in $victims; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
              [ -z "$alive" ] && break
              sleep 0.5
            done
            for pid in $victims; do
              kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null && echo "reaper: sent KILL to $pid" >&2
            done
            rm -rf "$dir"
            """;
}
