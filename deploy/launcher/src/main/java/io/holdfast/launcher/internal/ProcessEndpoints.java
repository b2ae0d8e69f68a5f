package io.holdfast.launcher.internal;

import io.holdfast.topology.config.HoldfastConfig;
import io.holdfast.topology.http.AppHttpServer;
import io.holdfast.topology.http.HttpReply;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /live}, {@code /ready} and {@code /metrics} of a long-running command that is not a Kafka Streams app (the
 * executors, the scanner, the agent, the CloudWatch poller), on {@code holdfast.http.bind.address} and
 * {@code holdfast.http.port}, so that an orchestrator can restart it and Prometheus can scrape it like the apps.
 *
 * <p>Live until the component fails on its own (it then exits anyway, through {@link StatusLoop}); ready while it runs
 * and has not failed. The registry carries the component's own meters and the JVM's.
 */
public final class ProcessEndpoints implements AutoCloseable {

    /**
     * These commands often share a host and a configuration file with others, so a fixed default port would collide:
     * they listen on a free port unless {@code holdfast.http.port} is set (the chart sets it).
     */
    public static final Map<String, String> DEFAULTS = Map.of(HoldfastConfig.HTTP_PORT, "0");

    private final PrometheusMeterRegistry registry;
    private AppHttpServer http;

    public ProcessEndpoints() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Where the component registers its meters, before {@link #serve}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Starts serving; {@code failure} is the component's own (empty while it runs). */
    public ProcessEndpoints serve(HoldfastConfig config, Supplier<Optional<Throwable>> failure) {
        http = AppHttpServer.start(config);
        http.route("/live", request -> failure.get().isEmpty() ? HttpReply.text(200, "live\n")
                : HttpReply.text(503, "failed: " + Failures.oneLine(failure.get().get()) + "\n"));
        http.route("/ready", request -> failure.get().isEmpty() ? HttpReply.text(200, "ready\n")
                : HttpReply.text(503, "not ready: failed\n"));
        http.route("/metrics", request -> new HttpReply(200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8), Map.of()));
        return this;
    }

    /** The port bound (the free one picked when the setting is 0). */
    public int port() {
        return http.port();
    }

    /** For the command's first line: where to look. */
    public String describe() {
        return "HTTP on port " + port() + " (/live, /ready, /metrics)";
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        registry.close();
    }
}
