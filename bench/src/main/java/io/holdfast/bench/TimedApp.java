package io.holdfast.bench;

import io.holdfast.bench.process.ChildApp;
import io.holdfast.bench.process.ProcessUsage;
import io.holdfast.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs one app in its own JVM over input already on the broker and times it: the clock starts when the
 * app is RUNNING (its start-up is reported apart) and stops when {@link Done} holds, checked every 250 ms
 * (polling the group's offsets more often costs the machine enough CPU to move the figures).
 */
final class TimedApp {

    /** JVM options of every benchmarked app: the heap a small deployment would give it. */
    static final List<String> APP_JVM = List.of("-Xms512m", "-Xmx1g");
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    interface Done {
        boolean test(Admin admin, String group) throws Exception;
    }

    private TimedApp() {
    }

    static Run run(EmbeddedKafka kafka, String app, Map<String, String> settings, long events, Done done, String deadLetters,
                   Path log) throws Exception {
        String group = settings.get("application.id");
        List<String> jvm = new java.util.ArrayList<>(APP_JVM);
        // e.g. -Dholdfast.bench.app-jvm="-XX:StartFlightRecording=filename=/tmp/app.jfr" to profile the app.
        String extra = System.getProperty("holdfast.bench.app-jvm", "").trim();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        // e.g. -Dholdfast.bench.app-settings=statestore.cache.max.bytes=0,commit.interval.ms=200 to try a setting.
        settings = new java.util.LinkedHashMap<>(settings);
        for (String kv : System.getProperty("holdfast.bench.app-settings", "").split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        try (Admin admin = kafka.admin(); ChildApp child = ChildApp.start(app, settings, jvm, log)) {
            double startSeconds = child.awaitRunning(Duration.ofMinutes(3));
            long began = System.nanoTime();
            double appCpu = child.cpuSeconds();
            double brokerCpu = ProcessUsage.cpuSeconds(kafka.pid());
            long deadline = began + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (done.test(admin, group)) {
                    double seconds = (System.nanoTime() - began) / 1e9;
                    double appUsed = child.cpuSeconds() - appCpu;
                    double brokerUsed = ProcessUsage.cpuSeconds(kafka.pid()) - brokerCpu;
                    // Valid input only: a record in the dead-letter topic means the figure counts work not done.
                    if (GroupOffsets.end(admin, deadLetters) > 0) {
                        throw new IllegalStateException(app + " sent input records to " + deadLetters + " (log: " + log + ")");
                    }
                    ChildApp.Usage usage = child.stop();
                    return new Run(events, seconds, startSeconds, appUsed, brokerUsed, usage.peakRssBytes(), usage.peakHeapBytes());
                }
                if (!child.isAlive()) {
                    throw new IllegalStateException(app + " exited before processing its input (log: " + log + ")");
                }
                Thread.sleep(POLL.toMillis());
            }
            throw new IllegalStateException(app + " did not process " + events + " events within " + TIMEOUT.toMinutes()
                    + " minutes (log: " + log + ")");
        }
    }
}
