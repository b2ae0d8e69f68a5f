package io.holdfast.topology.app;

import io.holdfast.topology.http.AppHttpServer;
import org.apache.kafka.streams.Topology;

/**
 * One holdfast stream-processing application (the reconciler, the health app). It says what it is
 * and what it computes; {@link RunningApp} supplies everything around it: configuration with
 * production defaults, exception handling and the dead-letter topic, probes, metrics, HTTP, shutdown.
 */
public interface StreamsApp {

    /** Short name: the default application id is {@code holdfast-<name>}, the dead-letter topic {@code dlq.<name>}. */
    String name();

    /**
     * The processing topology. Every processor, store and repartition topic must be named
     * explicitly: the runtime sets {@code ensure.explicit.internal.resource.naming=true}, so a
     * generated name fails at start instead of changing silently between releases.
     */
    Topology buildTopology(AppContext context);

    /** Adds the app's read-only state queries to its HTTP server. */
    default void registerQueries(AppHttpServer http, RunningApp app) {
    }
}
