package io.holdfast.topology.app;

import io.holdfast.topology.catalog.TopicCatalog;
import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** What an app's topology is built from. */
public record AppContext(String applicationId, HoldfastConfig config, TopicCatalog catalog, MeterRegistry metrics) {
}
