package io.holdfast.bench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmarked Streams app in its own JVM ({@link AppProcess}), started with the bench's class path.
 * The app's figures are the child's alone: CPU from {@code /proc}, peak RSS (VmHWM), peak heap in use.
 */
public final class ChildApp implements AutoCloseable {

    /** What the app cost while it ran. */
    public record Usage(double cpuSeconds, long peakRssBytes, long peakHeapBytes) {
    }

    private final String name;
    private final Process process;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch exited = new CountDownLatch(1);
    private final AtomicLong peakHeap = new AtomicLong(-1);
    private final long startedNanos = System.nanoTime();

    private ChildApp(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts app {@code name} with {@code settings}; its stderr (logs) goes to {@code log}. */
    public static ChildApp start(String name, Map<String, String> settings, List<String> jvmArgs, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AppProcess.class.getName());
        command.add(name);
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        return new ChildApp(name, process);
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals(AppProcess.RUNNING)) {
                    running.countDown();
                } else if (line.startsWith(AppProcess.PEAK_HEAP)) {
                    peakHeap.set(Long.parseLong(line.substring(AppProcess.PEAK_HEAP.length()).trim()));
                } else {
                    System.err.println(name + ": " + line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone; what it said so far stands
        } finally {
            exited.countDown();
        }
    }

    /** Waits until the app is RUNNING; returns the seconds since it was launched. */
    public double awaitRunning(Duration timeout) throws InterruptedException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not reach RUNNING within " + timeout.toSeconds() + " s"
                    + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
        }
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public double cpuSeconds() {
        return ProcessUsage.cpuSeconds(process.pid());
    }

    /** Stops the app (it reports its peak heap, then closes cleanly) and returns what it used over its life. */
    public Usage stop() throws InterruptedException {
        double cpu = cpuSeconds();
        long rss = ProcessUsage.peakRssBytes(process.pid());
        try {
            process.getOutputStream().write((AppProcess.STOP + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            process.destroy(); // its stdin is gone: SIGTERM still closes it cleanly
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        exited.await(10, TimeUnit.SECONDS);
        return new Usage(cpu, rss, peakHeap.get());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
