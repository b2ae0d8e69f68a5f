package io.holdfast.topology.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a handler answers. */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public static HttpReply text(int status, String body) {
        return new HttpReply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HttpReply json(int status, String body) {
        return new HttpReply(status, JSON, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public HttpReply withHeader(String name, String value) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpReply(status, contentType, body, copy);
    }
}
