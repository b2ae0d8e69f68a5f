package io.holdfast.connectors.metrics;

import io.holdfast.connectors.metrics.internal.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client for the AWS SDK that answers with recorded responses, in order per service (the
 * first label of the host: {@code ec2}, {@code monitoring}), and keeps every request sent (after
 * signing), so that tests exercise real marshalling, signing, pagination and unmarshalling without
 * reaching AWS.
 */
final class RecordedAwsHttpClient implements SdkHttpClient {

    /** A request as it would have gone over the wire. */
    record Exchange(SdkHttpRequest request, byte[] body) {
        String path() {
            return request.encodedPath();
        }

        String header(String name) {
            return request.firstMatchingHeader(name).orElse(null);
        }

        /** Form parameters of a query-protocol body (EC2), in order. */
        Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return form;
        }
    }

    /** A recorded response. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        /** An EC2 (query protocol) response: XML. */
        static Reply ec2Xml(int status, String resource) {
            return new Reply(status, Map.of("Content-Type", "text/xml;charset=UTF-8", "Server", "AmazonEC2"),
                    Fixtures.text(resource).getBytes(StandardCharsets.UTF_8));
        }

        /** A CloudWatch (AWS JSON 1.0) response. */
        static Reply cloudWatchJson(int status, String resource, Map<String, String> extraHeaders) {
            Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/x-amz-json-1.0",
                    "x-amzn-RequestId", "1f0e3a5c-7b9d-4e2f-8c6a-" + Integer.toHexString(resource.hashCode())));
            headers.putAll(extraHeaders);
            return new Reply(status, headers, Fixtures.text(resource).getBytes(StandardCharsets.UTF_8));
        }

        static Reply cloudWatchJson(String resource) {
            return cloudWatchJson(200, resource, Map.of());
        }
    }

    private final Map<String, Deque<Reply>> replies = new HashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();

    synchronized RecordedAwsHttpClient reply(String service, Reply reply) {
        replies.computeIfAbsent(service, s -> new ArrayDeque<>()).add(reply);
        return this;
    }

    /** The requests sent to {@code service}, in order. */
    synchronized List<Exchange> exchanges(String service) {
        return exchanges.stream().filter(e -> service(e.request()).equals(service)).toList();
    }

    synchronized int unusedReplies() {
        return replies.values().stream().mapToInt(Deque::size).sum();
    }

    private static String service(SdkHttpRequest request) {
        return request.host().substring(0, request.host().indexOf('.'));
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                byte[] body = new byte[0];
                if (request.contentStreamProvider().isPresent()) {
                    try (InputStream in = request.contentStreamProvider().get().newStream()) {
                        body = in.readAllBytes();
                    }
                }
                synchronized (RecordedAwsHttpClient.this) {
                    exchanges.add(new Exchange(request.httpRequest(), body));
                    Deque<Reply> queue = replies.get(service(request.httpRequest()));
                    Reply reply = queue == null ? null : queue.poll();
                    if (reply == null) {
                        throw new IOException("no recorded response left for " + request.httpRequest().method() + " "
                                + request.httpRequest().getUri());
                    }
                    SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(reply.status());
                    reply.headers().forEach(response::putHeader);
                    response.putHeader("Content-Length", String.valueOf(reply.body().length));
                    return HttpExecuteResponse.builder()
                            .response(response.build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(reply.body())))
                            .build();
                }
            }

            @Override
            public void abort() {
                // answers are immediate: nothing to abort
            }
        };
    }

    @Override
    public String clientName() {
        return "recorded";
    }

    @Override
    public void close() {
        // nothing held
    }
}
