package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution ({@code target/holdfast/bin/holdfast}) as a user runs it: bad input gives
 * one line and a non-zero exit; {@code dev} prints its endpoints, and Ctrl-C (SIGINT to the whole
 * process group, as a terminal sends it) stops everything it started and exits 0.
 */
class DistributionIT {

    private static final Path LAUNCHER = Path.of("target", "holdfast", "bin", "holdfast").toAbsolutePath();

    record Result(int exit, String out, String err) {}

    @Test
    void unknownFlagIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Result r = run(dir, "dev", "--bogus");
        assertEquals(2, r.exit());
        assertOneLineNoStackTrace(r.err());
        assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    }

    @Test
    void invalidConfigValueIsOneLineAndNonZero(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.properties");
        Files.writeString(config, "holdfast.topic.partitions=0\n");
        Result r = run(dir, "dev", "--config", config.toString(), "--dir", dir.resolve("dev").toString());
        assertEquals(1, r.exit());
        assertOneLineNoStackTrace(r.err());
        assertTrue(r.err().contains("holdfast.topic.partitions") && r.err().contains("0"), r.err());
        assertFalse(Files.exists(dir.resolve("dev")), "nothing was started for an invalid configuration");
    }

    @Test
    void devPrintsEndpointsAndCtrlCStopsEverythingWithExitZero(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("dev.out");
        // setsid: the launcher leads its own process group, like a job in a terminal.
        Process dev = new ProcessBuilder("setsid", LAUNCHER.toString(), "dev", "--dir", dir.resolve("dev").toString(), "--http-port", "0")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long started = System.nanoTime();
            awaitLine(out, "Press Ctrl-C", Duration.ofSeconds(90), dev);
            double upSeconds = (System.nanoTime() - started) / 1e9;
            String printed = Files.readString(out);
            for (String endpoint : List.of("Kafka bootstrap servers  127.0.0.1:", "MariaDB JDBC URL         jdbc:mariadb://127.0.0.1:",
                    "S3 endpoint              http://127.0.0.1:", "Dev status HTTP          http://127.0.0.1:")) {
                assertTrue(printed.contains(endpoint), "missing endpoint line '" + endpoint + "' in:\n" + printed);
            }
            java.util.regex.Matcher dashboard = java.util.regex.Pattern.compile("Dashboard +(http://127\\.0\\.0\\.1:\\d+/)")
                    .matcher(printed);
            assertTrue(dashboard.find(), "the dashboard's address is printed:\n" + printed);
            awaitStatus(dir, dashboard.group(1), dev);
            List<ProcessHandle> children = dev.toHandle().descendants().toList();
            assertTrue(children.size() >= 4, "broker, S3 server, mariadbd and the reaper expected: " + children);

            long interrupted = System.nanoTime();
            new ProcessBuilder("kill", "-INT", "--", "-" + dev.pid()).inheritIO().start().waitFor();
            assertTrue(dev.waitFor(15, TimeUnit.SECONDS), "still running 15 s after Ctrl-C:\n" + Files.readString(out));
            double stopSeconds = (System.nanoTime() - interrupted) / 1e9;
            assertEquals(0, dev.exitValue(), Files.readString(out));
            awaitGone(children, Duration.ofSeconds(5));
            System.out.printf("holdfast dev: endpoints after %.1f s, stopped %.1f s after SIGINT%n", upSeconds, stopSeconds);
        } finally {
            dev.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            dev.destroyForcibly();
        }
    }

    @Test
    @ExtendWith(EmbeddedStackExtension.class)
    void topicsEnsureCreatesTheCatalogOnceAndIsANoOpTheSecondTime(EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
        String[] args = {"topics", "ensure", "--set", "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set", "holdfast.topic.prefix=it-cli-" + System.nanoTime() + ".", "--set", "holdfast.topic.partitions=2"};
        int catalogSize = new io.holdfast.topology.catalog.TopicCatalog(io.holdfast.topology.config.HoldfastConfig.load(
                java.util.Optional.empty(), java.util.Map.of(), java.util.Map.of())).all().size();
        Result first = run(dir, args);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("topics: " + catalogSize + " created, 0 already as specified, 0 differ"), first.out());
        Result second = run(dir, args);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("topics: 0 created, " + catalogSize + " already as specified, 0 differ"), second.out());
    }

    /** {@code holdfast status} against the running dev prints the fleet once the health app has it. */
    private static void awaitStatus(Path dir, String url, Process dev) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Result status = null;
        while (System.nanoTime() < deadline && dev.isAlive()) {
            status = run(dir, "status", "--url", url);
            if (status.exit() == 0 && status.out().contains("  commerce/-20 ")) {
                return;
            }
            Thread.sleep(1_000);
        }
        fail("holdfast status --url " + url + " did not show the fleet: " + status);
    }

    private static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void assertOneLineNoStackTrace(String err) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line on stderr, got:\n" + err);
        assertTrue(lines.get(0).startsWith("holdfast: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "stack trace on stderr:\n" + err);
    }

    private static void awaitLine(Path file, String text, Duration timeout, Process process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("exited with " + process.exitValue() + " before printing '" + text + "':\n" + Files.readString(file));
            }
            Thread.sleep(200);
        }
        fail("no '" + text + "' within " + timeout.toSeconds() + " s:\n" + Files.readString(file));
    }

    private static void awaitGone(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(100);
        }
        List<String> alive = processes.stream().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        assertTrue(alive.isEmpty(), "left running after holdfast dev exited: " + alive);
    }
}
