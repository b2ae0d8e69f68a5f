package io.holdfast.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.topology.config.HoldfastConfig;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProcessEndpointsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void liveAndReadyUntilTheComponentFailsAndItsMetersAreScraped() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        HoldfastConfig config = HoldfastConfig.ofValidated(ProcessEndpoints.DEFAULTS);
        try (ProcessEndpoints endpoints = new ProcessEndpoints()) {
            Counter.builder("holdfast.test.things").register(endpoints.registry()).increment(3);
            endpoints.serve(config, () -> Optional.ofNullable(failure.get()));
            assertTrue(endpoints.port() > 0, "a free port when holdfast.http.port is 0");
            assertEquals(200, get(endpoints, "/live").statusCode());
            assertEquals(200, get(endpoints, "/ready").statusCode());
            String metrics = get(endpoints, "/metrics").body();
            assertTrue(metrics.contains("holdfast_test_things_total 3.0"), metrics);
            assertTrue(metrics.contains("jvm_memory_used_bytes{"), metrics);

            failure.set(new IllegalStateException("producer fenced"));
            HttpResponse<String> live = get(endpoints, "/live");
            assertEquals(503, live.statusCode());
            assertTrue(live.body().contains("producer fenced"), live.body());
            assertEquals(503, get(endpoints, "/ready").statusCode());
        }
    }

    private HttpResponse<String> get(ProcessEndpoints endpoints, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
