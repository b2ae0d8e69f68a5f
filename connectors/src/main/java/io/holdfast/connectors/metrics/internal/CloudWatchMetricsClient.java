package io.holdfast.connectors.metrics.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * CloudWatch's GetMetricData over the AWS JSON 1.0 protocol (one of the protocols CloudWatch
 * serves, with target prefix {@code GraniteServiceVersion20100801}), signed with Signature V4 by the
 * SDK's signer and sent through an SDK HTTP client.
 *
 * <p>Why not the SDK's generated CloudWatch client: the AWS BOM this project pins (2.56.0) has no
 * {@code software.amazon.awssdk:cloudwatch} on the registry the build uses, and mixing an older
 * generated client with the 2.56.0 core would need a version pin in every module that packages the
 * connectors. One operation, a few fields: this is the smaller risk.
 *
 * <p>Throttling, 5xx answers and I/O errors are retried ({@value #ATTEMPTS} attempts, exponential
 * back-off with jitter); the last failure is thrown as the SDK's {@link AwsServiceException} (with
 * CloudWatch's error code) or {@link SdkClientException}, like the SDK's own clients would.
 */
public final class CloudWatchMetricsClient {

    public static final String SIGNING_NAME = "monitoring";
    public static final String TARGET = "GraniteServiceVersion20100801.GetMetricData";
    public static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    static final int ATTEMPTS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One metric to fetch: its query id, the metric and its single dimension, period and statistic. */
    public record MetricQuery(String id, String namespace, String metricName, String dimensionName, String dimensionValue,
                              int periodSeconds, String statistic) {}

    /** One metric's values in a page, oldest first with {@code ScanBy=TimestampAscending}. */
    public record MetricResult(String id, List<Instant> timestamps, List<Double> values, String statusCode,
                               List<String> messages) {}

    /** One GetMetricData answer; {@code nextToken} is null on the last page. */
    public record Page(List<MetricResult> results, String nextToken, List<String> messages) {}

    private final SdkHttpClient http;
    private final URI endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Duration backoff;
    private final Clock clock;

    /**
     * @param http the transport; the caller owns and closes it
     * @param backoff the first retry's base delay; later retries double it
     * @param clock the signature's time
     */
    public CloudWatchMetricsClient(SdkHttpClient http, Region region, AwsCredentialsProvider credentials, Duration backoff,
                                   Clock clock) {
        this.http = http;
        this.clock = clock;
        this.region = region;
        this.credentials = credentials;
        this.backoff = backoff;
        this.endpoint = URI.create("https://monitoring." + region.id() + "." + PartitionMetadata.of(region).dnsSuffix());
    }

    public URI endpoint() {
        return endpoint;
    }

    /** One page of GetMetricData for {@code queries} over {@code [start, end)}; {@code nextToken} null for the first. */
    public Page getMetricData(List<MetricQuery> queries, Instant start, Instant end, String nextToken) {
        byte[] body = requestBody(queries, start, end, nextToken);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return parsePage(send(body));
            } catch (RetryableException e) {
                last = e.failure;
            }
            if (attempt < ATTEMPTS) {
                pause(attempt);
            }
        }
        throw last;
    }

    static byte[] requestBody(List<MetricQuery> queries, Instant start, Instant end, String nextToken) {
        ObjectNode request = JSON.createObjectNode();
        ArrayNode list = request.putArray("MetricDataQueries");
        for (MetricQuery q : queries) {
            ObjectNode query = list.addObject();
            query.put("Id", q.id());
            ObjectNode stat = query.putObject("MetricStat");
            ObjectNode metric = stat.putObject("Metric");
            metric.put("Namespace", q.namespace());
            metric.put("MetricName", q.metricName());
            ObjectNode dimension = metric.putArray("Dimensions").addObject();
            dimension.put("Name", q.dimensionName());
            dimension.put("Value", q.dimensionValue());
            stat.put("Period", q.periodSeconds());
            stat.put("Stat", q.statistic());
            query.put("ReturnData", true);
        }
        // JSON protocols carry timestamps as epoch seconds.
        request.put("StartTime", start.getEpochSecond());
        request.put("EndTime", end.getEpochSecond());
        request.put("ScanBy", "TimestampAscending");
        if (nextToken != null) {
            request.put("NextToken", nextToken);
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode send(byte[] body) {
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath("/")
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("X-Amz-Target", TARGET)
                // CloudWatch is query-compatible: with this header its errors carry the documented query error codes.
                .putHeader("x-amzn-query-mode", "true")
                .putHeader("Content-Length", String.valueOf(body.length))
                .build();
        ContentStreamProvider payload = ContentStreamProvider.fromByteArrayUnsafe(body);
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        HttpExecuteResponse response;
        byte[] answer;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(payload))
                    .build()).call();
            try (InputStream in = response.responseBody().orElse(null)) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (IOException e) {
            throw new RetryableException(SdkClientException.create("GetMetricData to " + endpoint + " failed: " + e.getMessage(), e));
        }
        int status = response.httpResponse().statusCode();
        if (status / 100 == 2) {
            try {
                return JSON.readTree(answer);
            } catch (IOException e) {
                throw SdkClientException.create("GetMetricData answered with unreadable JSON: " + e.getMessage(), e);
            }
        }
        AwsServiceException failure = serviceException(status, response, answer);
        if (status >= 500 || status == 429 || isThrottling(failure.awsErrorDetails().errorCode())) {
            throw new RetryableException(failure);
        }
        throw failure;
    }

    private static AwsServiceException serviceException(int status, HttpExecuteResponse response, byte[] answer) {
        String code = response.httpResponse().firstMatchingHeader("x-amzn-query-error")
                .map(h -> h.split(";")[0])
                .orElse(null);
        String message = null;
        try {
            JsonNode error = JSON.readTree(answer);
            if (code == null && error.hasNonNull("__type")) {
                String type = error.get("__type").asText();
                code = type.substring(type.lastIndexOf('#') + 1).split(":")[0];
            }
            JsonNode text = error.hasNonNull("message") ? error.get("message") : error.get("Message");
            message = text == null ? null : text.asText();
        } catch (IOException e) {
            // not JSON (e.g. a proxy's page): the status says enough
        }
        String requestId = response.httpResponse().firstMatchingHeader("x-amzn-RequestId").orElse(null);
        return AwsServiceException.builder()
                .message(message == null ? "GetMetricData failed with HTTP " + status : message)
                .statusCode(status)
                .requestId(requestId)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(message)
                        .serviceName("CloudWatch")
                        .sdkHttpResponse(response.httpResponse())
                        .build())
                .build();
    }

    private static boolean isThrottling(String code) {
        return code != null && (code.toLowerCase(Locale.ROOT).contains("throttl") || code.equals("RequestLimitExceeded")
                || code.equals("TooManyRequestsException"));
    }

    static Page parsePage(JsonNode page) {
        List<MetricResult> results = new ArrayList<>();
        for (JsonNode result : page.path("MetricDataResults")) {
            List<Instant> timestamps = new ArrayList<>();
            for (JsonNode t : result.path("Timestamps")) {
                // Epoch seconds, possibly fractional.
                timestamps.add(Instant.ofEpochMilli(Math.round(t.asDouble() * 1000)));
            }
            List<Double> values = new ArrayList<>();
            for (JsonNode v : result.path("Values")) {
                values.add(v.asDouble());
            }
            results.add(new MetricResult(result.path("Id").asText(), timestamps, values,
                    result.path("StatusCode").asText(null), messages(result.path("Messages"))));
        }
        JsonNode next = page.get("NextToken");
        return new Page(results, next == null || next.isNull() ? null : next.asText(), messages(page.path("Messages")));
    }

    private static List<String> messages(JsonNode messages) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : messages) {
            out.add(m.path("Code").asText("") + ": " + m.path("Value").asText(""));
        }
        return out;
    }

    private void pause(int attempt) {
        long base = backoff.toMillis() << (attempt - 1);
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            // Back-off before a retry: waiting out the throttle or the outage is the point.
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("Interrupted while retrying GetMetricData", e);
        }
    }

    /** A failure worth another attempt. */
    private static final class RetryableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException failure;

        RetryableException(RuntimeException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }
}
