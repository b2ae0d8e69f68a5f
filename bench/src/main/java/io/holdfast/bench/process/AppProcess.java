package io.holdfast.bench.process;

import io.holdfast.bench.BenchApps;
import io.holdfast.topology.app.RunningApp;
import io.holdfast.topology.app.StreamsApp;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The child side of {@link ChildApp}: one Streams app in a JVM of its own, as it is deployed, so that
 * its CPU, heap and RSS are its own. Arguments: the app's name (see {@link BenchApps}) and its settings
 * as {@code key=value}. Prints {@code running} once the client is RUNNING and, when told {@code stop} on
 * stdin, {@code peak-heap-bytes N} (the most heap in use, sampled every 50 ms) before it closes the app.
 */
public final class AppProcess {

    static final String RUNNING = "running";
    static final String PEAK_HEAP = "peak-heap-bytes ";
    static final String STOP = "stop";

    private AppProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        AtomicLong peakHeap = new AtomicLong();
        Runtime runtime = Runtime.getRuntime();
        Thread sampler = new Thread(() -> {
            while (true) {
                peakHeap.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        BenchApps.Built built = BenchApps.build(args[0], settings);
        StreamsApp app = built.app();
        HoldfastConfig config = built.config();
        RunningApp running = RunningApp.start(app, config);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "bench-app-stop"));
        if (!running.awaitRunning(java.time.Duration.ofMinutes(5))) {
            System.err.println(app.name() + " did not reach RUNNING: " + running.streams().state());
            System.exit(1);
        }
        System.out.println(RUNNING);
        System.out.flush();
        // The parent says "stop" on stdin (or closes it): report, then close the app cleanly.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        do {
            line = in.readLine();
        } while (line != null && !line.equals(STOP));
        System.out.println(PEAK_HEAP + peakHeap.get());
        System.out.flush();
        running.close();
        System.exit(running.streams().state() == KafkaStreams.State.ERROR ? 1 : 0);
    }
}
