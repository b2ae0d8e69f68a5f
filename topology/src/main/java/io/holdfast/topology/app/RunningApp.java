package io.holdfast.topology.app;

import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.errors.DeadLetterMetrics;
import io.holdfast.topology.errors.ThreadFailurePolicy;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import io.holdfast.topology.http.KeyQueryRouter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started {@link StreamsApp}: its {@link KafkaStreams} client under holdfast's production
 * defaults ({@link StreamsDefaults}), its HTTP server ({@code /live}, {@code /ready},
 * {@code /metrics}, {@code /topology} and the app's queries) and its metrics. {@link #close()} is a
 * graceful shutdown bounded by {@code holdfast.shutdown.timeout.ms}: the last transaction is
 * committed, the instance leaves its group so that its partitions move at once, then the HTTP
 * server stops.
 */
public final class RunningApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunningApp.class);

    private final StreamsApp app;
    private final String applicationId;
    private final KafkaStreams streams;
    private final Topology topology;
    private final AppHttpServer http;
    private final PrometheusMeterRegistry metrics;
    private final DeadLetterMetrics deadLetters;
    private final HostInfo self;
    private final Duration shutdownTimeout;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final KafkaStreamsMetrics streamsMetrics;
    private final CloseOptions.GroupMembershipOperation onClose;

    private RunningApp(StreamsApp app, String applicationId, KafkaStreams streams, Topology topology, AppHttpServer http,
                       PrometheusMeterRegistry metrics, DeadLetterMetrics deadLetters, HostInfo self,
                       Duration shutdownTimeout, KafkaStreamsMetrics streamsMetrics, CloseOptions.GroupMembershipOperation onClose) {
        this.app = app;
        this.applicationId = applicationId;
        this.streams = streams;
        this.topology = topology;
        this.http = http;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.self = self;
        this.shutdownTimeout = shutdownTimeout;
        this.streamsMetrics = streamsMetrics;
        this.onClose = onClose;
    }

    /**
     * Builds and starts {@code app}. Invalid settings fail here, before anything runs, with Kafka's
     * one-line {@link org.apache.kafka.common.config.ConfigException}.
     */
    public static RunningApp start(StreamsApp app, HoldfastConfig config) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().commonTags("app", app.name());
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);

        TopicCatalog catalog = new TopicCatalog(config);
        String applicationId = StreamsDefaults.applicationId(app.name(), config);
        Topology topology = app.buildTopology(new AppContext(applicationId, config, catalog, metrics));

        AppHttpServer http = AppHttpServer.start(config);
        try {
            String advertised = config.getString(HoldfastConfig.HTTP_ADVERTISED_HOST);
            HostInfo self = new HostInfo(advertised.isEmpty() ? http.bindAddress() : advertised, http.port());
            DeadLetterMetrics deadLetters = new DeadLetterMetrics(metrics, app.name());
            Map<String, Object> props = StreamsDefaults.effective(app.name(), config, catalog,
                    self.host() + ":" + self.port(), deadLetters);
            KafkaStreams streams = new KafkaStreams(topology, new StreamsConfig(props));
            streams.setUncaughtExceptionHandler(new ThreadFailurePolicy(
                    config.getInt(HoldfastConfig.THREAD_REPLACEMENTS_MAX),
                    Duration.ofMillis(config.getLong(HoldfastConfig.THREAD_REPLACEMENTS_WINDOW_MS)), Clock.systemUTC()));
            KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(metrics);
            RunningApp running = new RunningApp(app, applicationId, streams, topology, http, metrics, deadLetters, self,
                    Duration.ofMillis(config.getLong(HoldfastConfig.SHUTDOWN_TIMEOUT_MS)), streamsMetrics, onClose(props));
            running.wire();
            app.registerQueries(http, running);
            streams.start();
            log.info("{} started: application.id={}, HTTP on {}:{}", app.name(), applicationId, http.bindAddress(), http.port());
            return running;
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    private void wire() {
        Gauge.builder("holdfast.app.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the Kafka Streams client is RUNNING").register(metrics);
        streams.setStateListener((next, previous) -> {
            log.info("{}: {} -> {}", app.name(), previous, next);
            if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        http.route("/live", request -> isLive()
                ? HttpReply.text(200, "live\n")
                : HttpReply.text(503, "not live: " + streams.state() + "\n"));
        http.route("/ready", request -> streams.state() == KafkaStreams.State.RUNNING
                ? HttpReply.text(200, "ready\n")
                : HttpReply.text(503, "not ready: " + streams.state() + "\n"));
        http.route("/metrics", request -> new HttpReply(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of()));
        http.route("/topology", request -> HttpReply.text(200, topology.describe().toString()));
    }

    /**
     * Live unless the client failed: ERROR, or stopped without being asked to. A rebalance or a
     * restore is not a reason to be restarted.
     */
    public boolean isLive() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR) {
            return false;
        }
        return closing.get() || (state != KafkaStreams.State.NOT_RUNNING && state != KafkaStreams.State.PENDING_ERROR);
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the client stops (closed, or shut down by a fatal error). */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KeyQueryRouter queryRouter() {
        return new KeyQueryRouter(streams, self);
    }

    public String applicationId() {
        return applicationId;
    }

    public AppHttpServer http() {
        return http;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public DeadLetterMetrics deadLetters() {
        return deadLetters;
    }

    public HostInfo self() {
        return self;
    }

    /**
     * A static member ({@code group.instance.id}) stays in its group when it stops: the restart of a rolling
     * upgrade then gets its tasks back without a rebalance, and one that does not come back within
     * {@code session.timeout.ms} is removed by the coordinator. A dynamic member leaves at once, so that its
     * tasks move now rather than after its session times out.
     */
    static CloseOptions.GroupMembershipOperation onClose(Map<String, Object> props) {
        boolean staticMember = props.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) != null
                || props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) != null;
        return staticMember ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        long began = System.nanoTime();
        boolean clean = streams.close(CloseOptions.timeout(shutdownTimeout).withGroupMembershipOperation(onClose));
        streamsMetrics.close();
        http.close();
        stopped.countDown();
        log.info("{} stopped {} in {} ms", app.name(), clean ? "cleanly" : "after the shutdown timeout",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }
}
