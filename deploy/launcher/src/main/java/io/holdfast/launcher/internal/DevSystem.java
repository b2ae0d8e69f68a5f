package io.holdfast.launcher.internal;

import io.holdfast.connectors.store.StoreClients;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.embedded.EmbeddedStack;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code holdfast dev} runs on the embedded stack, in one process: the write path (binlog
 * source, S3 scanner, reconciler, reconcile executor), the reparent side (health app, fleet simulator
 * executing fleet commands), the steady revision writer when asked for, and the feed the dashboard
 * reads. Started in that order, stopped in reverse.
 */
public final class DevSystem implements AutoCloseable {

    private final EmbeddedStack stack;
    private final Map<String, String> settings;
    private final HoldfastConfig config;
    private final TopicCatalog catalog;
    private final StartedComponents started = new StartedComponents("holdfast dev");
    private WritePathServices writePath;
    private FleetServices fleet;
    private SteadyWriter writer;
    private StoreClients storeClients;
    private DashboardFeed feed;

    private DevSystem(EmbeddedStack stack, Map<String, String> settings) {
        this.stack = stack;
        this.settings = settings;
        // Any component's view of the validated settings gives the shared keys: topics and Kafka clients.
        this.config = ReconcilerConfig.ofValidated(settings);
        this.catalog = new TopicCatalog(config);
    }

    /**
     * Starts every component from {@code settings} (validated against every component's keys, the
     * stack's addresses in them); {@code writerPlan} null runs no writer.
     */
    public static DevSystem start(EmbeddedStack stack, Map<String, String> settings, SteadyWriter.Plan writerPlan) throws Exception {
        DevSystem system = new DevSystem(stack, settings);
        try {
            system.feed = DashboardFeed.start(system.config.kafkaProperties(), system.catalog);
            system.started.add(system.feed);
            system.writePath = WritePathServices.start(settings);
            system.started.add(system.writePath);
            system.fleet = FleetServices.start(settings);
            system.started.add(system.fleet);
            if (writerPlan != null) {
                StoreConfig store = StoreConfig.ofValidated(settings);
                system.storeClients = StoreClients.open(store);
                system.started.add(system.storeClients);
                system.writer = SteadyWriter.start(system.storeClients, store, writerPlan);
                system.started.add(system.writer);
            }
            return system;
        } catch (Exception | Error e) {
            system.close();
            throw e;
        }
    }

    public EmbeddedStack stack() {
        return stack;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public HoldfastConfig config() {
        return config;
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    public WritePathServices writePath() {
        return writePath;
    }

    public FleetServices fleet() {
        return fleet;
    }

    public Optional<SteadyWriter> writer() {
        return Optional.ofNullable(writer);
    }

    public DashboardFeed feed() {
        return feed;
    }

    /** The first component that is down or failed on its own, if any. */
    public Optional<String> failure() {
        if (!stack.kafka().isRunning()) {
            return Optional.of("the Kafka broker");
        }
        if (!stack.mariaDb().isRunning()) {
            return Optional.of("MariaDB");
        }
        if (!stack.s3().isRunning()) {
            return Optional.of("the S3 server");
        }
        Optional<String> down = writePath.failure();
        if (down.isEmpty()) {
            down = fleet.failure();
        }
        if (down.isEmpty() && feed.failure().isPresent()) {
            down = Optional.of("dashboard feed: " + Failures.oneLine(feed.failure().get()));
        }
        return down;
    }

    /** Stops in reverse order of start; the stack is the caller's. */
    @Override
    public void close() {
        started.close();
    }
}
