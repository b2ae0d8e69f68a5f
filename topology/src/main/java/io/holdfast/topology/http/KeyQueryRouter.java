package io.holdfast.topology.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers a read-only query for one key from whichever instance owns it. Kafka Streams knows which
 * instance hosts the active task for a key's partition (each instance advertises its HTTP address
 * as {@code application.server}); a request that reaches another instance is forwarded there once,
 * and the owner's answer is relayed unchanged. During a rebalance nobody owns the key: 503 with
 * {@code Retry-After}, never a stale or empty answer.
 */
public final class KeyQueryRouter {

    static final String FORWARDED_HEADER = "X-Holdfast-Forwarded-By";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient client;

    public KeyQueryRouter(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Routes {@code request} for {@code key} of {@code store}: {@code local} answers it when this
     * instance owns the key, otherwise the owner is asked.
     */
    public <K> HttpReply route(HttpRequest request, String store, K key, Serializer<K> keySerializer,
                               Supplier<HttpReply> local) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, keySerializer);
        } catch (IllegalStateException e) {
            return unavailable("not running: " + streams.state());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return unavailable("store " + store + " is not available (rebalancing)");
        }
        HostInfo owner = metadata.activeHost();
        if (owner.equals(self)) {
            return local.get();
        }
        if (request.header(FORWARDED_HEADER).isPresent()) {
            // The sender believed we own the key; ownership is moving. Do not bounce it further.
            return unavailable("ownership of this key is moving");
        }
        return forward(owner, request);
    }

    private HttpReply forward(HostInfo owner, HttpRequest request) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + request.pathAndQuery());
        java.net.http.HttpRequest forwarded = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(5))
                .header(FORWARDED_HEADER, self.host() + ":" + self.port())
                .GET().build();
        try {
            java.net.http.HttpResponse<byte[]> response = client.send(forwarded, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            String type = response.headers().firstValue("Content-Type").orElse(HttpReply.TEXT);
            return new HttpReply(response.statusCode(), type, response.body(),
                    Map.of("X-Holdfast-Served-By", owner.host() + ":" + owner.port()));
        } catch (IOException e) {
            return unavailable("owner " + owner.host() + ":" + owner.port() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        }
    }

    private static HttpReply unavailable(String why) {
        return HttpReply.text(503, why + "\n").withHeader("Retry-After", "1");
    }
}
