package io.holdfast.bench;

import io.holdfast.bench.process.ChildApp;
import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.SimulatedOperation;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.health.HealthConfig;
import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.catalog.Topic;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.catalog.TopicEnsurer;
import io.holdfast.topology.config.HoldfastConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Detection latency under load: the health app (its own JVM, one stream thread, exactly_once_v2) and
 * the fleet simulator (shards of 3 tablets publishing per-second metrics and executing commands), with
 * a steady background of synthetic volumes' samples at a fixed rate. One shard's primary at a time is
 * degraded (300 ms per operation); measured per probe, as a {@code read_committed} consumer sees it:
 * <ul>
 *   <li>detection latency: from the DEGRADED transition's {@code since_time} (the event time of the
 *       first slow sample, as the schema defines it) to the shard's REPARENT command being readable;
 *   <li>from onset: from the injection (the fault itself) to that command, which adds the classifier's
 *       sustain rule (slow for 2 s before DEGRADED) and the next sample's period.
 * </ul>
 * The background's offered and achieved rates and the app's lag on the metrics topic at the end are
 * reported with it: a rate the app cannot keep up with shows as growing lag and latency.
 */
public final class DetectionLatencyBench {

    /** What one run measured. */
    public record Result(int backgroundRate, double achievedRate, List<Double> detectionSeconds, List<Double> classifiedSeconds,
                         List<Double> fromOnsetSeconds,
                         int probes, int missed, long lagAtEnd, ChildApp.Usage usage) {
    }

    private static final double DEGRADED_LATENCY_MS = 300;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka kafka;
    private final Path dir;

    public DetectionLatencyBench(EmbeddedKafka kafka, Path dir) {
        this.kafka = kafka;
        this.dir = dir;
    }

    public Result run(int backgroundRate, int probes, Duration warmUp, int run) throws Exception {
        String prefix = "bench-" + System.nanoTime() + ".";
        Map<String, String> settings = settings(prefix, run);
        HealthConfig config = HealthConfig.load(Optional.empty(), Map.of(), settings);
        TopicCatalog catalog = new TopicCatalog(config);
        try (Admin admin = kafka.admin()) {
            List<Topic<?, ?>> topics = new ArrayList<>(catalog.all());
            topics.add(catalog.deadLetter("health"));
            new TopicEnsurer(admin, Duration.ofSeconds(60)).ensure(topics);
        }
        Map<String, Long> degradedSince = new ConcurrentHashMap<>();
        Map<String, Long> reparentSeen = new ConcurrentHashMap<>();
        Map<String, VolumeHealthState> states = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Long> degradedSeen = new ConcurrentHashMap<>();
        Thread watcher = watch(catalog, states, degradedSince, degradedSeen, reparentSeen, stop);
        Background background = new Background(catalog, backgroundRate, stop);
        Path log = dir.resolve("detection-" + run + ".log");
        try (FleetSimulator sim = FleetSimulator.start(SimulatorConfig.ofValidated(simulatorSettings(settings, probes)));
             ChildApp app = ChildApp.start(BenchApps.HEALTH, settings, TimedApp.APP_JVM, log)) {
            app.awaitRunning(Duration.ofMinutes(3));
            List<String> simVolumes = sim.tablets().stream().map(t -> t.getVolumeId().toString()).toList();
            awaitHealthy(simVolumes, states, app, log);
            background.start();
            System.out.printf(Locale.ROOT, "    fleet healthy; background at %,d samples/s, warming up (at least %d s, until the app "
                    + "lags by less than a second of samples, at most 30 s)%n", backgroundRate, warmUp.toSeconds());
            warmUp(catalog, settings.get("application.id"), backgroundRate, warmUp);
            List<Double> detection = new ArrayList<>();
            List<Double> fromOnset = new ArrayList<>();
            List<Double> classified = new ArrayList<>();
            int missed = 0;
            int consecutiveMisses = 0;
            // Two misses in a row: the app is behind the background and only falls further behind; the rest would miss too.
            for (int p = 0; p < probes && consecutiveMisses < 2; p++) {
                String shard = sim.shardNames().get(p);
                String shardKey = sim.keyspace() + "/" + shard;
                Injection injection = sim.degradePrimary(shard, Duration.ofMinutes(30), DEGRADED_LATENCY_MS);
                String volume = injection.volumeIds().get(0);
                long deadline = System.currentTimeMillis() + PROBE_TIMEOUT.toMillis();
                while (!reparentSeen.containsKey(shardKey) && System.currentTimeMillis() < deadline && app.isAlive()) {
                    Thread.sleep(5);
                }
                Long seen = reparentSeen.get(shardKey);
                Long since = degradedSince.get(volume);
                if (seen == null || since == null) {
                    missed++;
                    consecutiveMisses++;
                    System.out.printf(Locale.ROOT, "    probe %d (%s): no REPARENT within %d s%n", p + 1, shardKey,
                            PROBE_TIMEOUT.toSeconds());
                    if (consecutiveMisses == 2) {
                        missed += probes - p - 1;
                        System.out.printf(Locale.ROOT, "    two probes missed in a row: the other %d counted as missed%n", probes - p - 1);
                    }
                    continue;
                }
                consecutiveMisses = 0;
                detection.add((seen - since) / 1000.0);
                fromOnset.add((seen - injection.onset().toEpochMilli()) / 1000.0);
                classified.add((degradedSeen.get(volume) - since) / 1000.0);
                System.out.printf(Locale.ROOT, "    probe %d (%s): REPARENT readable %.2f s after the first slow sample (DEGRADED "
                                + "readable after %.2f s), %.2f s after the onset%n", p + 1, shardKey, detection.get(detection.size() - 1),
                        classified.get(classified.size() - 1), fromOnset.get(fromOnset.size() - 1));
                Thread.sleep(1_000);
            }
            double achieved = background.achievedRate();
            long lag;
            try (Admin admin = kafka.admin()) {
                lag = GroupOffsets.end(admin, catalog.volumeMetrics.name())
                        - GroupOffsets.committed(admin, settings.get("application.id"), catalog.volumeMetrics.name());
            }
            stop.set(true);
            background.join();
            ChildApp.Usage usage = app.stop();
            if (background.failure.get() != null) {
                throw new IllegalStateException("background samples were not acknowledged", background.failure.get());
            }
            return new Result(backgroundRate, achieved, detection, classified, fromOnset, probes, missed, lag, usage);
        } finally {
            stop.set(true);
            background.join();
            watcher.join(10_000);
        }
    }

    /** The background's new volumes are classified once the app keeps up with them: wait for that, within bounds. */
    private void warmUp(TopicCatalog catalog, String group, int rate, Duration atLeast) throws Exception {
        long began = System.nanoTime();
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() - began < Duration.ofSeconds(30).toNanos()) {
                Thread.sleep(1_000);
                long lag = GroupOffsets.end(admin, catalog.volumeMetrics.name()) - GroupOffsets.committed(admin, group,
                        catalog.volumeMetrics.name());
                if (System.nanoTime() - began >= atLeast.toNanos() && lag < rate) {
                    return;
                }
            }
        }
    }

    private void awaitHealthy(List<String> volumes, Map<String, VolumeHealthState> states, ChildApp app, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (volumes.stream().allMatch(v -> states.get(v) == VolumeHealthState.HEALTHY)) {
                return;
            }
            if (!app.isAlive()) {
                throw new IllegalStateException("the health app exited (log: " + log + ")");
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the simulated fleet was not classified HEALTHY within 3 minutes (log: " + log + ")");
    }

    /** Reads the volume-health transitions and the fleet commands as they become readable, with their arrival times. */
    private Thread watch(TopicCatalog catalog, Map<String, VolumeHealthState> states, Map<String, Long> degradedSince,
                         Map<String, Long> degradedSeen, Map<String, Long> reparentSeen, AtomicBoolean stop) {
        var healthSerde = catalog.volumeHealth.valueSerde().deserializer();
        var commandSerde = catalog.fleetCommands.valueSerde().deserializer();
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(catalog.volumeHealth.name(), catalog.fleetCommands.name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread t = new Thread(() -> {
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        if (r.topic().equals(catalog.volumeHealth.name())) {
                            VolumeHealth h = healthSerde.deserialize(r.topic(), r.value());
                            String volume = h.getVolumeId().toString();
                            states.put(volume, h.getState());
                            if (h.getState() == VolumeHealthState.DEGRADED) {
                                degradedSince.putIfAbsent(volume, h.getSinceTime().toEpochMilli());
                                degradedSeen.putIfAbsent(volume, now);
                            }
                        } else {
                            FleetCommand c = commandSerde.deserialize(r.topic(), r.value());
                            if (c.getType() == FleetCommandType.REPARENT) {
                                reparentSeen.putIfAbsent(c.getKeyspace() + "/" + c.getShard(), now);
                            }
                        }
                    }
                }
            }
        }, "detection-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Samples of synthetic volumes (one per second each, in peer groups of 10) at a steady rate, paced per 100 ms. */
    private final class Background extends Thread {
        private final TopicCatalog catalog;
        private final int rate;
        private final AtomicBoolean stop;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile long startedNanos;
        private volatile long stoppedNanos;

        Background(TopicCatalog catalog, int rate, AtomicBoolean stop) {
            super("detection-background");
            setDaemon(true);
            this.catalog = catalog;
            this.rate = rate;
            this.stop = stop;
        }

        double achievedRate() {
            long end = stoppedNanos != 0 ? stoppedNanos : System.nanoTime();
            return sent.get() / ((end - startedNanos) / 1e9);
        }

        @Override
        public void run() {
            var serializer = catalog.volumeMetrics.valueSerde().serializer();
            String topic = catalog.volumeMetrics.name();
            int perSlice = Math.max(1, rate / 10);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
                VolumeMetric.Builder b = VolumeMetric.newBuilder().setSamplePeriodMs(1_000).setSource(MetricSource.SIMULATOR)
                        .setWriteOps(0L).setWriteBytes(0L).setIdleRatio(0.7).setStalled(false).setCell("bench-cell");
                startedNanos = System.nanoTime();
                long slice = 0;
                int next = 0;
                while (!stop.get()) {
                    // Volume v reports once per second: the 10 slices of a second cover every volume once.
                    long eventTime = System.currentTimeMillis();
                    for (int i = 0; i < perSlice; i++, next = (next + 1) % rate) {
                        String id = "bg-vol-" + next;
                        String group = "bg-node-" + (next / 10);
                        double latency = 900 + 200 * ((next * 31 + slice * 17) % 11) / 10.0;
                        VolumeMetric m = b.setVolumeId(id).setPeerGroup(group).setNode(group)
                                .setEventTime(Instant.ofEpochMilli(eventTime)).setLatencyUs(latency)
                                .setReadOps(300L).setReadBytes(300L * 16_384).setQueueDepth(0.3).build();
                        producer.send(new ProducerRecord<>(topic, null, eventTime, id, serializer.serialize(topic, m)), (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                        sent.incrementAndGet();
                    }
                    slice++;
                    long due = startedNanos + slice * 100_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                stoppedNanos = System.nanoTime();
                producer.flush();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private Map<String, String> settings(String prefix, int run) throws Exception {
        Path state = Files.createDirectories(dir.resolve("detection-" + run));
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put(HoldfastConfig.TOPIC_PREFIX, prefix);
        p.put(HoldfastConfig.TOPIC_PARTITIONS, "2");
        p.put(HoldfastConfig.HTTP_PORT, "0");
        p.put("state.dir", state.toString());
        p.put("num.stream.threads", "1");
        p.put("application.id", prefix + "holdfast-detection-" + run);
        return p;
    }

    /** The app's connection settings and the fleet: one shard per probe and two more, no random injections. */
    private static Map<String, String> simulatorSettings(Map<String, String> app, int probes) {
        Map<String, String> p = new HashMap<>(app);
        p.put(SimulatorConfig.SHARDS, Integer.toString(probes + 2));
        p.put(SimulatorConfig.TABLETS, "3");
        p.put(SimulatorConfig.PERIOD_MS, "1000");
        p.put(SimulatorConfig.delayKey(SimulatedOperation.PROVISION), "8000-12000");
        p.put(SimulatorConfig.delayKey(SimulatedOperation.CATCH_UP), "3000-5000");
        p.put(SimulatorConfig.INJECT_RATE_PER_HOUR, "0");
        return p;
    }
}
