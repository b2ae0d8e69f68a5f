package io.holdfast.connectors.metrics;

import io.holdfast.connectors.metrics.internal.DeviceFilter;
import io.holdfast.connectors.metrics.internal.DiskCounters;
import io.holdfast.connectors.metrics.internal.DiskSampler;
import io.holdfast.connectors.metrics.internal.DiskStatsParser;
import io.holdfast.connectors.metrics.internal.PeriodicRunner;
import io.holdfast.schemas.VolumeMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code holdfast agent}: reads {@code /proc/diskstats} once per period and publishes one
 * {@link VolumeMetric} per selected block device (see {@link DiskSampler} for how each figure is
 * derived from the kernel's counters). It logs one progress line per
 * {@link AgentConfig#PROGRESS_INTERVAL_MS}. A failed read is counted, logged and retried at the next
 * period; a producer that can no longer send stops the agent, and {@link #failure()} says why.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

    /** What the agent has done so far. */
    public record Status(long periods, int devices, VolumeMetricPublisher.Counts samples, long resetsSkipped,
                         long readFailures) {
        public String oneLine() {
            return devices + " devices, " + periods + " periods, " + samples
                    + (resetsSkipped > 0 ? ", " + resetsSkipped + " skipped after a counter reset" : "")
                    + (readFailures > 0 ? ", " + readFailures + " failed reads" : "");
        }
    }

    private final AgentConfig config;
    private final Path diskStats;
    private final DiskSampler sampler;
    private final VolumeMetricPublisher publisher;
    private final LongSupplier monotonicNanos;
    private final LongSupplier wallMillis;
    private final AtomicLong periods = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<String> initialDevices;
    private volatile int devices;
    private volatile long resetsSkipped;
    private long nextProgressNanos;
    private PeriodicRunner runner;

    NodeAgent(AgentConfig config, VolumeMetricPublisher publisher, LongSupplier monotonicNanos, LongSupplier wallMillis) {
        this.config = config;
        this.diskStats = config.diskStatsPath();
        this.publisher = publisher;
        this.monotonicNanos = monotonicNanos;
        this.wallMillis = wallMillis;
        DeviceFilter filter = new DeviceFilter(config.deviceInclude(), config.deviceExclude());
        this.sampler = new DiskSampler(filter, new DiskSampler.Identity(config.node(), config.peerGroup(),
                config.cell().orElse(null), config.volumeIds()));
        this.initialDevices = baseline(filter);
        this.nextProgressNanos = monotonicNanos.getAsLong() + config.progressInterval().toNanos();
    }

    /**
     * Connects to the cluster of {@code config}, takes the first reading (the baseline of every
     * device) and starts sampling. Fails at once, with a message naming what to fix, if the topic is
     * missing, the statistics cannot be read, or no device matches the filter.
     */
    public static NodeAgent start(AgentConfig config) {
        VolumeMetricPublisher publisher = VolumeMetricPublisher.connect(config, "holdfast-agent-" + config.node(), Duration.ofSeconds(30));
        try {
            return start(config, publisher);
        } catch (RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
    }

    /** Starts sampling into {@code publisher}, which the agent then owns and closes. */
    public static NodeAgent start(AgentConfig config, VolumeMetricPublisher publisher) {
        NodeAgent agent = new NodeAgent(config, publisher, System::nanoTime, System::currentTimeMillis);
        agent.runner = PeriodicRunner.start("holdfast-agent", config.period(), false, agent::sampleOnce);
        log.info("agent on {} publishing {} to {} every {} ms", config.node(), agent.initialDevices, publisher.topic(),
                config.period().toMillis());
        return agent;
    }

    private List<String> baseline(DeviceFilter filter) {
        String text;
        try {
            text = Files.readString(diskStats);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + diskStats + ": " + e.getMessage(), e);
        }
        DiskStatsParser.Result parsed = DiskStatsParser.parse(text);
        if (!parsed.unreadableLines().isEmpty()) {
            log.warn("{} has {} line(s) that are not device statistics, skipped; the first: '{}'", diskStats,
                    parsed.unreadableLines().size(), parsed.unreadableLines().get(0));
        }
        List<String> accepted = parsed.devices().stream().map(DiskCounters::device).filter(filter::accepts).toList();
        if (accepted.isEmpty()) {
            throw new IllegalStateException("No block device in " + diskStats + " matches " + filter + " (devices: "
                    + parsed.devices().stream().map(DiskCounters::device).collect(Collectors.joining(", "))
                    + "); set " + AgentConfig.DEVICE_INCLUDE + " / " + AgentConfig.DEVICE_EXCLUDE);
        }
        sampler.observe(parsed.devices(), monotonicNanos.getAsLong(), wallMillis.getAsLong());
        devices = sampler.devices();
        return accepted;
    }

    /** One period: read, derive, publish. Runs on the agent's thread (or a test's). */
    void sampleOnce() {
        String text;
        try {
            text = Files.readString(diskStats);
        } catch (IOException e) {
            long failures = readFailures.incrementAndGet();
            log.warn("cannot read {} ({} failed reads so far): {}", diskStats, failures, e.toString());
            return;
        }
        long nanos = monotonicNanos.getAsLong();
        List<VolumeMetric> samples = sampler.observe(DiskStatsParser.parse(text).devices(), nanos, wallMillis.getAsLong());
        for (VolumeMetric sample : samples) {
            publisher.publish(sample);
        }
        devices = sampler.devices();
        resetsSkipped = sampler.resets();
        periods.incrementAndGet();
        if (nanos - nextProgressNanos >= 0) {
            nextProgressNanos = nanos + config.progressInterval().toNanos();
            log.info("agent on {}: {}", config.node(), status().oneLine());
        }
    }

    public Status status() {
        return new Status(periods.get(), devices, publisher.counts(), resetsSkipped, readFailures.get());
    }

    /** The devices published, as found by the first reading. */
    public List<String> initialDevices() {
        return initialDevices;
    }

    /** Why the agent stopped on its own (the producer failed), if it did. */
    public Optional<Throwable> failure() {
        return runner == null ? Optional.empty() : runner.failure();
    }

    public String topic() {
        return publisher.topic();
    }

    /** Stops sampling, then delivers what is pending (up to 30 s) and closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (runner != null) {
            runner.stop(Duration.ofSeconds(10));
        }
        publisher.close(Duration.ofSeconds(30));
        log.info("agent on {} stopped: {}", config.node(), status().oneLine());
    }
}
