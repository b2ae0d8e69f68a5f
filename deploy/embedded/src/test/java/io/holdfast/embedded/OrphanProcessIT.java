package io.holdfast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No server process outlives the JVM that started it, however that JVM ends. */
class OrphanProcessIT {

    @Test
    void killedParentLeavesNoChildRunning(@TempDir Path dir) throws Exception {
        Process holder = startHolder(dir);
        try {
            List<Long> pids = awaitPids(holder, dir);
            assertEquals(5, pids.size(), "holder JVM, reaper, broker, mariadbd, s3mock");
            assertTrue(pids.stream().allMatch(OrphanProcessIT::alive), "a component is not running: " + pids);

            holder.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));

            assertAllGone(pids.subList(1, pids.size()), Duration.ofSeconds(20));
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void terminatedParentStopsEveryChildGracefully(@TempDir Path dir) throws Exception {
        Process holder = startHolder(dir);
        try {
            List<Long> pids = awaitPids(holder, dir);

            holder.destroy(); // SIGTERM: the shutdown hook closes the stack
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "holder did not exit on SIGTERM");

            assertAllGone(pids.subList(2, pids.size()), Duration.ofSeconds(5));
        } finally {
            holder.destroyForcibly();
        }
    }

    private static Process startHolder(Path dir) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StackHolderMain.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("holder.log").toFile())
                .start();
    }

    /** Waits for the holder's "PIDS ..." line; on failure the message carries the holder's output. */
    private static List<Long> awaitPids(Process holder, Path dir) throws Exception {
        Path log = dir.resolve("holder.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            for (String line : lines) {
                if (line.startsWith("PIDS ")) {
                    return Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).toList();
                }
            }
            if (!holder.isAlive()) {
                fail("holder exited (" + holder.exitValue() + ") without printing its PIDs:\n" + String.join("\n", lines));
            }
            Thread.sleep(200);
        }
        fail("holder printed no PIDs within 180 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        return List.of();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void assertAllGone(List<Long> pids, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && pids.stream().anyMatch(OrphanProcessIT::alive)) {
            Thread.sleep(200);
        }
        List<Long> survivors = pids.stream().filter(OrphanProcessIT::alive).toList();
        // Never leave them behind, even when the assertion fails.
        survivors.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertTrue(survivors.isEmpty(), "still running " + within.toSeconds() + " s after the parent died: " + survivors);
    }
}
