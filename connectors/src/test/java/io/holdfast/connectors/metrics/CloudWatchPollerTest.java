package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.connectors.metrics.RecordedAwsHttpClient.Exchange;
import io.holdfast.connectors.metrics.RecordedAwsHttpClient.Reply;
import io.holdfast.schemas.MetricSource;
import io.holdfast.schemas.VolumeMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * The poller against recorded AWS responses: the SDK's EC2 client (query protocol, XML) and the
 * GetMetricData client (AWS JSON 1.0, signed by the SDK's signer) over {@link RecordedAwsHttpClient}.
 * Asserts on the requests sent and on the VolumeMetrics published.
 */
class CloudWatchPollerTest {

    private static final String VOL_A = "vol-049df61146c4d7901";
    private static final String VOL_B = "vol-049df61146c4d7902";
    private static final String VOL_C = "vol-0c7e2b5a9d3f10003";
    private static final String INSTANCE = "i-0a1b2c3d4e5f60111";
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EC2 = "ec2";
    private static final String CLOUDWATCH = "monitoring";

    private final RecordedAwsHttpClient aws = new RecordedAwsHttpClient();
    private final MockProducer<String, VolumeMetric> producer = VolumeMetricPublisherTest.mockProducer(true);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:05:30Z"));
    private CloudWatchPoller poller;

    @AfterEach
    void close() {
        if (poller != null) {
            poller.close();
        }
    }

    private CloudWatchPoller poller(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                CloudWatchConfig.LOOKBACK_MS, "600000",
                CloudWatchConfig.SETTLE_MS, "180000",
                CloudWatchConfig.MAX_METRICS_PER_REQUEST, "18"));
        all.putAll(settings);
        CloudWatchConfig config = CloudWatchConfig.load(Optional.empty(), Map.of(), all);
        return CloudWatchPoller.create(config, aws, Region.US_EAST_1, CREDENTIALS, Duration.ofMillis(1),
                new VolumeMetricPublisher(producer, "fleet.volume-metrics"), clock);
    }

    private CloudWatchPoller taggedPoller() {
        aws.reply(EC2, Reply.ec2Xml(200, "cloudwatch/describe-volumes-tagged-page-1.xml"))
                .reply(EC2, Reply.ec2Xml(200, "cloudwatch/describe-volumes-tagged-page-2.xml"));
        return poller(Map.of(CloudWatchConfig.TAG_FILTERS, "holdfast-role=vitess,env=prod"));
    }

    private List<VolumeMetric> published(Predicate<VolumeMetric> which) {
        return producer.history().stream().map(ProducerRecord::value).filter(which).toList();
    }

    private static Predicate<VolumeMetric> of(String volumeId) {
        return m -> m.getVolumeId().equals(volumeId);
    }

    private static long epochSeconds(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void replyPollOne() {
        aws.reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-1-batch-1-page-1.json"))
                .reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-1-batch-1-page-2.json"))
                .reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-1-batch-2.json"));
    }

    @Test
    void findsVolumesByTagFollowingEveryPageOfDescribeVolumes() {
        poller = taggedPoller();

        assertEquals(List.of(VOL_A, VOL_B, VOL_C), poller.volumeIds());
        List<Exchange> sent = aws.exchanges(EC2);
        assertEquals(2, sent.size());
        Map<String, String> first = sent.get(0).form();
        assertEquals("DescribeVolumes", first.get("Action"));
        assertEquals("2016-11-15", first.get("Version"));
        assertEquals("tag:holdfast-role", first.get("Filter.1.Name"));
        assertEquals("vitess", first.get("Filter.1.Value.1"));
        assertEquals("tag:env", first.get("Filter.2.Name"));
        assertEquals("prod", first.get("Filter.2.Value.1"));
        assertEquals("500", first.get("MaxResults"));
        assertFalse(first.containsKey("NextToken"));
        assertEquals("eyJ2IjoiMiIsImMiOiJ2b2wtMDQ5ZGY2MTE0NmM0ZDc5MDIifQ==", sent.get(1).form().get("NextToken"));
        assertEquals("ec2.us-east-1.amazonaws.com", sent.get(0).request().host());
        assertTrue(sent.get(0).header("Authorization").startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
                "signed with the chain's credentials");
    }

    @Test
    void queriesEveryEbsMetricOfEveryVolumeInBatchesAndFollowsNextToken() {
        poller = taggedPoller();
        replyPollOne();

        CloudWatchPoller.PollReport report = poller.pollOnce();

        assertEquals(3, report.requests());
        assertEquals(Instant.parse("2026-03-01T11:55:00Z"), report.windowStart());
        assertEquals(Instant.parse("2026-03-01T12:05:00Z"), report.windowEnd(), "the period in progress is not asked for");
        List<Exchange> sent = aws.exchanges(CLOUDWATCH);
        assertEquals(3, sent.size());
        for (Exchange exchange : sent) {
            assertEquals("POST", exchange.request().method().name());
            assertEquals("monitoring.us-east-1.amazonaws.com", exchange.request().host());
            assertEquals("/", exchange.path());
            assertEquals("GraniteServiceVersion20100801.GetMetricData", exchange.header("X-Amz-Target"));
            assertEquals("application/x-amz-json-1.0", exchange.header("Content-Type"));
            String authorization = exchange.header("Authorization");
            assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/monitoring/aws4_request"),
                    authorization);
            assertTrue(authorization.contains("x-amz-target"), "the target is signed: " + authorization);
            assertEquals("20260301T120530Z", exchange.header("X-Amz-Date"), "signed at the poller's clock");
            JsonNode body = json(exchange.body());
            assertEquals(epochSeconds("2026-03-01T11:55:00Z"), body.get("StartTime").asLong());
            assertEquals(epochSeconds("2026-03-01T12:05:00Z"), body.get("EndTime").asLong());
            assertEquals("TimestampAscending", body.get("ScanBy").asText());
        }
        JsonNode firstBatch = json(sent.get(0).body());
        assertQueries(firstBatch.get("MetricDataQueries"), List.of(VOL_A, VOL_B));
        assertNull(firstBatch.get("NextToken"));
        JsonNode secondPage = json(sent.get(1).body());
        assertEquals("gmd-batch-1-page-2", secondPage.get("NextToken").asText());
        assertEquals(firstBatch.get("MetricDataQueries"), secondPage.get("MetricDataQueries"), "same queries, next page");
        assertQueries(json(sent.get(2).body()).get("MetricDataQueries"), List.of(VOL_C));
    }

    private static void assertQueries(JsonNode queries, List<String> volumes) {
        Map<String, String> statistics = Map.of("VolumeReadOps", "Sum", "VolumeWriteOps", "Sum", "VolumeReadBytes", "Sum",
                "VolumeWriteBytes", "Sum", "VolumeTotalReadTime", "Sum", "VolumeTotalWriteTime", "Sum",
                "VolumeQueueLength", "Average", "VolumeIdleTime", "Sum", "VolumeStalledIOCheck", "Maximum");
        assertEquals(volumes.size() * statistics.size(), queries.size());
        Set<String> ids = new HashSet<>();
        Set<String> asked = new HashSet<>();
        for (JsonNode query : queries) {
            assertTrue(ids.add(query.get("Id").asText()), "ids are unique within a request");
            assertTrue(query.get("Id").asText().matches("[a-z][a-zA-Z0-9_]*"), "CloudWatch's id syntax: " + query.get("Id"));
            assertTrue(query.get("ReturnData").asBoolean());
            JsonNode stat = query.get("MetricStat");
            JsonNode metric = stat.get("Metric");
            assertEquals("AWS/EBS", metric.get("Namespace").asText());
            assertEquals(1, metric.get("Dimensions").size());
            assertEquals("VolumeId", metric.get("Dimensions").get(0).get("Name").asText());
            assertEquals(60, stat.get("Period").asInt());
            String name = metric.get("MetricName").asText();
            assertEquals(statistics.get(name), stat.get("Stat").asText(), name);
            asked.add(metric.get("Dimensions").get(0).get("Value").asText() + "/" + name);
        }
        for (String volume : volumes) {
            for (String name : statistics.keySet()) {
                assertTrue(asked.contains(volume + "/" + name), "asked for " + name + " of " + volume);
            }
        }
    }

    @Test
    void publishesEachCompletePeriodOnceAndHoldsAnIncompleteOneBackUntilItSettles() {
        poller = taggedPoller();
        replyPollOne();

        CloudWatchPoller.PollReport first = poller.pollOnce();
        assertEquals(12, first.published());
        assertEquals(1, first.heldBack(), "12:04 of " + VOL_A + " has no queue length yet");
        assertEquals(4, published(of(VOL_A)).size());
        assertEquals(5, published(of(VOL_B)).size(), "pages merged: two periods on the first page, three on the second");
        assertEquals(3, published(of(VOL_C)).size());

        // Healthy gp3 minute: 30,000 reads taking 27 s in all, 18,000 writes taking 25.2 s.
        VolumeMetric a = published(of(VOL_A)).get(0);
        assertEquals(Instant.parse("2026-03-01T12:01:00Z"), a.getEventTime(), "stamped with the end of its period");
        assertEquals(60_000L, a.getSamplePeriodMs());
        assertEquals(30_000L, a.getReadOps());
        assertEquals(18_000L, a.getWriteOps());
        assertEquals(900.0, a.getReadLatencyUs(), 1e-6);
        assertEquals(1_400.0, a.getWriteLatencyUs(), 1e-6);
        assertEquals(52.2e6 / 48_000, a.getLatencyUs(), 1e-6);
        assertEquals(30_000L * 16_384, a.getReadBytes());
        assertEquals(30_000L * 16_384 + 18_000L * 32_768, a.getTotalBytes());
        assertEquals(0.87, a.getQueueDepth(), 1e-12);
        assertEquals(25.0 / 60, a.getIdleRatio(), 1e-12);
        assertFalse(a.getStalled());
        assertEquals(INSTANCE, a.getNode());
        assertEquals(INSTANCE, a.getPeerGroup(), "peer group: the instance the volume is attached to");
        assertEquals("us-east-1a", a.getCell());
        assertEquals("sdf", a.getDevice());
        assertEquals(MetricSource.CLOUDWATCH, a.getSource());

        List<VolumeMetric> b = published(of(VOL_B));
        VolumeMetric degraded = b.get(2);
        assertEquals(350_000.0, degraded.getReadLatencyUs(), 1e-6);
        assertEquals(380_000.0, degraded.getWriteLatencyUs(), 1e-6);
        assertEquals(0.0, degraded.getIdleRatio());
        assertEquals(32.0, degraded.getQueueDepth());
        VolumeMetric stalled = b.get(3);
        assertTrue(stalled.getStalled(), "VolumeStalledIOCheck failed");
        assertEquals(0L, stalled.getReadOps());
        assertNull(stalled.getLatencyUs(), "no operation completed");
        assertEquals(64.0, stalled.getQueueDepth());

        VolumeMetric c = published(of(VOL_C)).get(0);
        assertNull(c.getNode(), "detached since");
        assertNull(c.getDevice());
        assertEquals("us-east-1b", c.getPeerGroup(), "not attached: its availability zone");
        assertEquals(1.0, c.getIdleRatio());
        assertNull(c.getReadLatencyUs());
        assertNull(c.getStalled(), "no VolumeStalledIOCheck for this volume: unknown, not false");

        for (String volume : List.of(VOL_A, VOL_B, VOL_C)) {
            List<VolumeMetric> series = published(of(volume));
            for (int i = 1; i < series.size(); i++) {
                assertTrue(series.get(i).getEventTime().isAfter(series.get(i - 1).getEventTime()), "oldest first per volume");
            }
        }
        assertEquals(0, aws.unusedReplies());

        // Three minutes later: 12:04 of A still lacks its queue length, but has settled.
        clock.set(Instant.parse("2026-03-01T12:08:30Z"));
        producer.clear();
        aws.reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-2-batch-1.json"))
                .reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-2-batch-2.json"));
        CloudWatchPoller.PollReport second = poller.pollOnce();

        assertEquals(2, aws.exchanges(EC2).size(), "volumes are looked up again only every discovery interval");
        assertEquals(7, second.published(), "only what was not published before");
        assertEquals(0, second.heldBack());
        List<VolumeMetric> a2 = published(of(VOL_A));
        assertEquals(List.of("12:05:00Z", "12:06:00Z", "12:07:00Z", "12:08:00Z"),
                a2.stream().map(m -> m.getEventTime().toString().substring(11)).toList());
        assertNull(a2.get(0).getQueueDepth(), "published when settled, the missing figure null");
        assertEquals(32_400L, a2.get(0).getReadOps());
        assertEquals(3, published(of(VOL_B)).size());
        assertEquals(new VolumeMetricPublisher.Counts(19, 19, 0), poller.status().samples());
        assertTrue(poller.status().oneLine().startsWith("3 volumes, 2 polls (0 failed), 5 GetMetricData requests, 19 samples"),
                poller.status().oneLine());
    }

    @Test
    void listedVolumesThatDoNotExistFailAtStart() {
        aws.reply(EC2, Reply.ec2Xml(400, "cloudwatch/describe-volumes-not-found.xml"));
        Ec2Exception e = assertThrows(Ec2Exception.class,
                () -> poller(Map.of(CloudWatchConfig.VOLUME_IDS, "vol-0ffffffffffffffff")));
        assertTrue(e.getMessage().startsWith("The volume 'vol-0ffffffffffffffff' does not exist."), e.getMessage());
        assertEquals("vol-0ffffffffffffffff", aws.exchanges(EC2).get(0).form().get("VolumeId.1"));
    }

    @Test
    void listedVolumesArePolledWithoutDescribeVolumesPermission() {
        aws.reply(EC2, Reply.ec2Xml(403, "cloudwatch/describe-volumes-unauthorized.xml"));
        poller = poller(Map.of(CloudWatchConfig.VOLUME_IDS, VOL_C, CloudWatchConfig.PEER_GROUP, "shard-7"));
        assertEquals(List.of(VOL_C), poller.volumeIds());

        aws.reply(CLOUDWATCH, Reply.cloudWatchJson("cloudwatch/get-metric-data-poll-1-batch-2.json"));
        assertEquals(3, poller.pollOnce().published());
        VolumeMetric m = published(of(VOL_C)).get(0);
        assertEquals("shard-7", m.getPeerGroup(), "the configured peer group");
        assertNull(m.getCell());
    }

    @Test
    void aFilterThatMatchesNothingFailsAtStart() {
        aws.reply(EC2, Reply.ec2Xml(200, "cloudwatch/describe-volumes-none.xml"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> poller(Map.of(CloudWatchConfig.TAG_FILTERS, "holdfast-role=none")));
        assertTrue(e.getMessage().startsWith("No EBS volume matches holdfast.cloudwatch.tag.filters"), e.getMessage());
    }

    @Test
    void throttlingIsRetriedAndOtherErrorsFailThePollWithCloudWatchsCode() {
        poller = taggedPoller();
        Map<String, String> throttled = Map.of("x-amzn-query-error", "Throttling;Sender");
        aws.reply(CLOUDWATCH, Reply.cloudWatchJson(400, "cloudwatch/get-metric-data-error-throttling.json", throttled));
        replyPollOne();
        assertEquals(12, poller.pollOnce().published(), "the throttled request was sent again");
        assertEquals(4, aws.exchanges(CLOUDWATCH).size());
        assertEquals(json(aws.exchanges(CLOUDWATCH).get(0).body()), json(aws.exchanges(CLOUDWATCH).get(1).body()));

        clock.set(Instant.parse("2026-03-01T12:06:30Z"));
        aws.reply(CLOUDWATCH, Reply.cloudWatchJson(400, "cloudwatch/get-metric-data-error-invalid-parameter.json",
                Map.of("x-amzn-query-error", "InvalidParameterValue;Sender")));
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> poller.pollOnce());
        assertEquals("InvalidParameterValue", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().startsWith("The parameter StartTime must be less than the parameter EndTime."), e.getMessage());
        assertEquals(5, aws.exchanges(CLOUDWATCH).size(), "not retried");
    }

    @Test
    void aFailedPollIsCountedAndTheNextOneCatchesUp() {
        poller = taggedPoller();
        for (int i = 0; i < 3; i++) {
            aws.reply(CLOUDWATCH, Reply.cloudWatchJson(503, "cloudwatch/get-metric-data-error-throttling.json", Map.of()));
        }
        poller.pollSafely();
        assertEquals(1, poller.status().failedPolls());
        assertTrue(poller.status().oneLine().contains("last error: Rate exceeded"), poller.status().oneLine());
        assertEquals(0, producer.history().size());

        replyPollOne();
        poller.pollSafely();
        assertEquals(12, producer.history().size(), "the look-back window covers what the failed poll missed");
        assertNull(poller.status().lastError());
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
