package io.holdfast.connectors.binlog;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.holdfast.connectors.binlog.internal.CaptureMetrics;
import io.holdfast.connectors.binlog.internal.DebeziumMBeans;
import io.holdfast.connectors.binlog.internal.DestinationTopics;
import io.holdfast.connectors.binlog.internal.EngineProperties;
import io.holdfast.connectors.binlog.internal.ForwardingConsumer;
import io.holdfast.connectors.binlog.internal.SettingsCheck;
import io.holdfast.connectors.binlog.internal.SourceDatabase;
import io.holdfast.connectors.binlog.internal.StoredState;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binlog source: Debezium's embedded engine (MariaDB connector by default; MySQL or Vitess by
 * configuration) forwarding the revisions and heads tables' change events to the catalog's cdc topics as
 * Kafka Connect's JsonConverter JSON, so that an existing Debezium on Kafka Connect and this source are
 * interchangeable for the reconciler.
 *
 * <p>Offsets and schema history live in Kafka. Existing rows are copied by Debezium incremental snapshots,
 * requested through the signal table on a first start (no offsets stored, or no copy ever reported on the
 * notifications topic) or on demand ({@link #requestCopy()}, {@code start(config, true)}); a copy's position
 * is part of the offsets, so after a crash it resumes from its last chunk. The copy's progress is on {@code <debezium topic prefix>.notifications} (Debezium's sink
 * notification channel). HTTP: {@code /live}, {@code /ready} (streaming), {@code /metrics}.
 */
public final class BinlogSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BinlogSource.class);
    private static final Duration STREAMING_WAIT = Duration.ofMinutes(10);
    private static final Duration ENGINE_STOP_WAIT = Duration.ofSeconds(60);

    private final BinlogConfig config;
    private final TopicCatalog catalog;
    private final SourceDatabase database;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;
    private final PrometheusMeterRegistry registry;
    private final DebeziumMBeans mbeans;
    private final CaptureMetrics metrics;
    private final AtomicBoolean pollingStarted = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor(daemon("holdfast-binlog-engine"));
    private final ExecutorService controlThread = Executors.newSingleThreadExecutor(daemon("holdfast-binlog-control"));
    private final boolean firstStart;
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private AppHttpServer http;

    private BinlogSource(BinlogConfig config, TopicCatalog catalog, SourceDatabase database, Admin admin, boolean firstStart) {
        this.config = config;
        this.catalog = catalog;
        this.database = database;
        this.admin = admin;
        this.firstStart = firstStart;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("app", "binlog");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.mbeans = new DebeziumMBeans(catalog.debeziumTopicPrefix());
        this.metrics = new CaptureMetrics(registry, Clock.systemUTC(), mbeans, this::isStreaming);
        this.producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(), new StringSerializer());
    }

    /**
     * Checks the settings, the database and Kafka, then starts the engine. A problem found before the
     * engine starts is a {@link BinlogSourceException} or {@link org.apache.kafka.common.config.ConfigException}
     * with a one-line message.
     *
     * @param requestCopy ask for a copy of the existing rows even if the engine ran before
     */
    public static BinlogSource start(BinlogConfig config, boolean requestCopy) {
        SettingsCheck.offline(config);
        SourceDatabase database = new SourceDatabase(config);
        database.check();
        TopicCatalog catalog = new TopicCatalog(config);
        Properties engineProperties = EngineProperties.of(config, catalog);
        SettingsCheck.withConnector(config, engineProperties);

        Map<String, String> client = clientSettings(config);
        Admin admin = Admin.create(new HashMap<String, Object>(client));
        BinlogSource source = null;
        try {
            String notifications = EngineProperties.notificationsTopic(catalog);
            DestinationTopics topics = new DestinationTopics(admin, catalog.binlogOffsets.settings().replicationFactor());
            boolean firstStart;
            boolean copyNeverStarted;
            try {
                topics.ensureAll(DestinationTopics.atStart(catalog));
                StoredState stored = new StoredState(client);
                firstStart = !stored.offsetsExist(catalog.binlogOffsets.name(), config.getString(BinlogConfig.ENGINE_NAME));
                // Offsets but no copy reported: the previous run stopped between its first flush and the copy's
                // request (the signal can only be written once the connector streams). Ask again.
                copyNeverStarted = !firstStart && !stored.copyStarted(notifications);
            } catch (RuntimeException e) {
                throw new BinlogSourceException("cannot prepare the binlog source's topics on Kafka at "
                        + EngineProperties.bootstrapServers(config) + ": " + e.getMessage(), e);
            }
            source = new BinlogSource(config, catalog, database, admin, firstStart);
            source.run(engineProperties, topics);
            if (firstStart || copyNeverStarted || requestCopy) {
                source.requestCopyOnceStreaming(firstStart ? "first start: no offsets stored"
                        : copyNeverStarted ? "no copy was reported by the previous runs" : "asked for");
            }
            log.info("binlog source started: {} on {} as server id {}, topics {}.{}.*, notifications on {}, {}",
                    config.flavor().name().toLowerCase(java.util.Locale.ROOT), database.location(),
                    config.getLong(BinlogConfig.SERVER_ID), catalog.debeziumTopicPrefix(), config.database(), notifications,
                    firstStart ? "first start" : "resuming from stored offsets");
            return source;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAfterFailedStart(source, admin);
            throw new BinlogSourceException("interrupted while starting the binlog source");
        } catch (RuntimeException e) {
            closeAfterFailedStart(source, admin);
            if (e instanceof BinlogSourceException || e instanceof org.apache.kafka.common.config.ConfigException) {
                throw e;
            }
            throw new BinlogSourceException("cannot start the binlog source: " + e.getMessage(), e);
        }
    }

    private static void closeAfterFailedStart(BinlogSource source, Admin admin) {
        if (source != null) {
            source.close();
        } else {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private void run(Properties engineProperties, DestinationTopics topics) {
        http = AppHttpServer.start(config);
        http.route("/live", r -> isLive() ? HttpReply.text(200, "live\n")
                : HttpReply.text(503, "not live: " + failure().map(Throwable::getMessage).orElse("engine stopped") + "\n"));
        http.route("/ready", r -> isStreaming() ? HttpReply.text(200, "ready\n") : HttpReply.text(503, "not streaming yet\n"));
        http.route("/metrics", r -> new HttpReply(200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of()));
        engine = DebeziumEngine.create(Json.class)
                .using(engineProperties)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        pollingStarted.set(true);
                    }

                    @Override
                    public void pollingStopped() {
                        pollingStarted.set(false);
                    }
                })
                .using((success, message, error) -> {
                    if (!success || !closing.get()) {
                        failure.compareAndSet(null, error != null ? error
                                : new BinlogSourceException("the Debezium engine stopped: " + message));
                        log.error("the Debezium engine stopped: {}", message, error);
                    }
                })
                .notifying(new ForwardingConsumer(producer, topics, metrics))
                .build();
        engineThread.execute(engine);
    }

    /** Asks for a copy of both tables as soon as the connector streams (the signal must be read from the binlog). */
    public void requestCopy() {
        requestCopyOnceStreaming("asked for");
    }

    private void requestCopyOnceStreaming(String why) {
        controlThread.execute(() -> {
            try {
                if (!awaitStreaming(STREAMING_WAIT)) {
                    if (!closing.get()) {
                        log.warn("copy not requested: the connector did not stream within {} s", STREAMING_WAIT.toSeconds());
                    }
                    return;
                }
                TopicCatalog.CdcTopics cdc = catalog.cdc();
                String id = database.requestCopy(List.of(EngineProperties.qualified(config.database(), cdc.revisionsTable()),
                        EngineProperties.qualified(config.database(), cdc.headsTable())));
                log.info("copy of {} and {} requested ({}): signal {}", cdc.revisionsTable(), cdc.headsTable(), why, id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.compareAndSet(null, new BinlogSourceException("cannot request the copy through the signal table: "
                        + e.getMessage(), e));
            }
        });
    }

    /** Waits until the connector reads the binlog; false if it stopped or the time ran out first. */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isStreaming()) {
            if (System.nanoTime() > deadline || failure.get() != null || closing.get()) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /**
     * The connector reads the binlog: Debezium's streaming MBean says it is connected. Polling alone is not
     * enough: the engine polls while the connector still reads the tables' structure, and a signal written
     * then precedes the binlog position streaming starts from, so it would never be seen.
     */
    public boolean isStreaming() {
        if (closing.get() || failure.get() != null || !pollingStarted.get()) {
            return false;
        }
        return mbeans.booleanAttribute("Connected").orElse(false);
    }

    public boolean isLive() {
        return failure.get() == null;
    }

    /** Why the engine stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public BinlogStatus status() {
        return metrics.status();
    }

    /** True when no offsets were stored at start: a copy was requested. */
    public boolean firstStart() {
        return firstStart;
    }

    public int httpPort() {
        return http.port();
    }

    public String notificationsTopic() {
        return EngineProperties.notificationsTopic(catalog);
    }

    public PrometheusMeterRegistry metrics() {
        return registry;
    }

    /**
     * Stops the engine (it flushes the offsets of every record Kafka acknowledged), then the clients and
     * the HTTP server. Debezium's Kafka offset store leaves one AdminClient thread behind (DESIGN section 2).
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        controlThread.shutdownNow();
        if (engine != null) {
            try {
                engine.close();
            } catch (Exception e) {
                log.warn("the Debezium engine did not close cleanly: {}", e.toString());
            }
        }
        engineThread.shutdown();
        try {
            if (!engineThread.awaitTermination(ENGINE_STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("the Debezium engine was still running {} s after close", ENGINE_STOP_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
        admin.close(Duration.ofSeconds(5));
        if (http != null) {
            http.close();
        }
        registry.close();
        log.info("binlog source stopped: {}", metrics.status().totals());
    }

    /** {@code bootstrap.servers} and the security settings, for the admin, producer and offsets check. */
    private static Map<String, String> clientSettings(BinlogConfig config) {
        return EngineProperties.clientSettings(config);
    }

    private static Map<String, Object> producerProperties(BinlogConfig config) {
        Map<String, Object> p = new HashMap<>(clientSettings(config));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "holdfast-binlog-forwarder");
        return p;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
