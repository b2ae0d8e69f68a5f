package io.holdfast.connectors.metrics;

import io.holdfast.connectors.metrics.internal.CloudWatchMetricsClient;
import io.holdfast.connectors.metrics.internal.EbsConversion;
import io.holdfast.connectors.metrics.internal.EbsDatapoints;
import io.holdfast.connectors.metrics.internal.EbsVolume;
import io.holdfast.connectors.metrics.internal.MetricQueryPlan;
import io.holdfast.connectors.metrics.internal.PeriodicRunner;
import io.holdfast.connectors.metrics.internal.VolumeDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ServiceLoader;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code holdfast cloudwatch}: polls EBS metrics with CloudWatch GetMetricData and publishes one
 * {@link io.holdfast.schemas.VolumeMetric} per volume per period (see {@link EbsConversion}).
 *
 * <p>Volumes come from a configured list or an EC2 tag filter (DescribeVolumes, every page), looked
 * up again every {@link CloudWatchConfig#DISCOVERY_INTERVAL_MS} to follow attachments. Each poll asks
 * for the last {@link CloudWatchConfig#LOOKBACK_MS} of complete periods, at most 500 metric queries
 * per request, following {@code NextToken}. A period is published once, oldest first per volume, as
 * soon as all its metrics are in, or once {@link CloudWatchConfig#SETTLE_MS} has passed since its end
 * (with what arrived). A failed poll (throttling beyond the SDK's retries, a network error) is
 * counted and logged, and the next poll's look-back catches up; a producer that can no longer send
 * stops the poller, and {@link #failure()} says why.
 *
 * <p>Credentials come from the SDK's default chain and are never logged.
 */
public final class CloudWatchPoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CloudWatchPoller.class);

    /** What one poll did. */
    public record PollReport(int volumes, int requests, int published, int heldBack, Instant windowStart, Instant windowEnd) {}

    /** What the poller has done so far. */
    public record Status(long polls, long failedPolls, int volumes, long requests, VolumeMetricPublisher.Counts samples,
                         String lastError) {
        public String oneLine() {
            return volumes + " volumes, " + polls + " polls (" + failedPolls + " failed), " + requests
                    + " GetMetricData requests, " + samples + (lastError == null ? "" : "; last error: " + lastError);
        }
    }

    private final CloudWatchConfig config;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final CloudWatchMetricsClient cloudWatch;
    private final Ec2Client ec2;
    private final VolumeMetricPublisher publisher;
    private final Clock clock;
    private final VolumeDirectory directory;
    private final Map<String, Long> lastPublishedPeriodStart = new HashMap<>();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong failedPolls = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile List<EbsVolume> volumes = List.of();
    private volatile String lastError;
    private Instant nextDiscovery = Instant.MIN;
    private PeriodicRunner runner;

    private CloudWatchPoller(CloudWatchConfig config, SdkHttpClient http, Region region, AwsCredentialsProvider credentials,
                             Duration retryBackoff, VolumeMetricPublisher publisher, Clock clock) {
        this.config = config;
        this.http = http;
        this.credentials = credentials;
        this.cloudWatch = new CloudWatchMetricsClient(http, region, credentials, retryBackoff, clock);
        this.ec2 = Ec2Client.builder().httpClient(http).region(region).credentialsProvider(credentials).build();
        this.publisher = publisher;
        this.clock = clock;
        this.directory = new VolumeDirectory(ec2);
    }

    /**
     * A poller that reaches AWS through {@code http} (tests pass recorded responses) in
     * {@code region} with {@code credentials}, and publishes to {@code publisher}; it owns and closes
     * both. It looks the volumes up at once, so that a wrong region, missing credentials or a filter
     * matching nothing fail here; polls happen only when {@link #pollOnce()} is called.
     */
    public static CloudWatchPoller create(CloudWatchConfig config, SdkHttpClient http, Region region,
                                          AwsCredentialsProvider credentials, Duration retryBackoff,
                                          VolumeMetricPublisher publisher, Clock clock) {
        CloudWatchPoller poller = new CloudWatchPoller(config, http, region, credentials, retryBackoff, publisher, clock);
        try {
            poller.discover(clock.instant(), true);
        } catch (RuntimeException e) {
            poller.close();
            throw e;
        }
        return poller;
    }

    /**
     * Connects to AWS (region from config or the SDK's default chain, credentials from the SDK's
     * default chain, the SDK's HTTP client) and to the Kafka cluster, and polls every poll interval.
     */
    public static CloudWatchPoller start(CloudWatchConfig config) {
        Region region = config.region().map(Region::of).orElseGet(CloudWatchPoller::defaultRegion);
        VolumeMetricPublisher publisher = VolumeMetricPublisher.connect(config, "holdfast-cloudwatch", Duration.ofSeconds(30));
        SdkHttpClient http;
        try {
            http = ServiceLoader.load(SdkHttpService.class).findFirst()
                    .orElseThrow(() -> SdkClientException.create("No AWS SDK HTTP client on the class path"))
                    .createHttpClientBuilder().build();
        } catch (RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
        DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        try {
            // Resolved once here so that missing credentials are one clear line, not a failed first call.
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            credentials.close();
            http.close();
            publisher.close(Duration.ZERO);
            throw new IllegalStateException("No AWS credentials: the SDK's default chain (system properties, environment, "
                    + "web identity, profile, container, instance profile) found none");
        }
        CloudWatchPoller poller = create(config, http, region, credentials, Duration.ofMillis(200), publisher, Clock.systemUTC());
        poller.runner = PeriodicRunner.start("holdfast-cloudwatch", config.pollInterval(), true, poller::pollSafely);
        return poller;
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException("No AWS region: set " + CloudWatchConfig.REGION + " or AWS_REGION (the SDK's chain found none)");
        }
    }

    /** A poll whose AWS failure is counted and logged instead of thrown: the next poll's look-back catches up. */
    void pollSafely() {
        try {
            pollOnce();
        } catch (SdkException e) {
            long failed = failedPolls.incrementAndGet();
            lastError = e.getMessage();
            log.warn("GetMetricData poll failed ({} failed so far): {}", failed, e.getMessage());
        }
    }

    /**
     * One poll: look the volumes up again if due, query the look-back window, publish what is ready.
     * Called by the poller's own thread after {@link #start}; call it directly only on a poller from
     * {@link #create}.
     */
    public PollReport pollOnce() {
        Instant now = clock.instant();
        discover(now, false);
        long periodMillis = config.period().toMillis();
        long windowEnd = Math.floorDiv(now.toEpochMilli(), periodMillis) * periodMillis;
        long periods = Math.max(1, (config.lookback().toMillis() + periodMillis - 1) / periodMillis);
        long windowStart = windowEnd - periods * periodMillis;
        List<EbsVolume> current = volumes;

        EbsDatapoints datapoints = new EbsDatapoints();
        int requestCount = 0;
        for (MetricQueryPlan.Batch batch : MetricQueryPlan.plan(current, (int) config.period().toSeconds(), config.maxMetricsPerRequest())) {
            String nextToken = null;
            do {
                CloudWatchMetricsClient.Page page = cloudWatch.getMetricData(batch.queries(), Instant.ofEpochMilli(windowStart),
                        Instant.ofEpochMilli(windowEnd), nextToken);
                requestCount++;
                requests.incrementAndGet();
                page.messages().forEach(m -> log.warn("GetMetricData: {}", m));
                for (CloudWatchMetricsClient.MetricResult result : page.results()) {
                    MetricQueryPlan.Target target = batch.targets().get(result.id());
                    if (target == null) {
                        log.warn("GetMetricData returned an id that was not asked for: {}", result.id());
                        continue;
                    }
                    if ("InternalError".equals(result.statusCode()) || "Forbidden".equals(result.statusCode())) {
                        log.warn("GetMetricData {} for {} of {}: {}", result.statusCode(), target.metric().metricName(),
                                target.volume().volumeId(), result.messages());
                    }
                    datapoints.add(target.volume().volumeId(), target.metric(), result.timestamps(), result.values());
                }
                nextToken = page.nextToken();
            } while (nextToken != null);
        }

        int published = 0;
        int heldBack = 0;
        for (EbsVolume volume : current) {
            long last = lastPublishedPeriodStart.getOrDefault(volume.volumeId(), Long.MIN_VALUE);
            NavigableMap<Long, double[]> series = datapoints.series(volume.volumeId());
            for (Map.Entry<Long, double[]> period : series.tailMap(last, false).entrySet()) {
                long periodEnd = period.getKey() + periodMillis;
                boolean settled = now.toEpochMilli() >= periodEnd + config.settle().toMillis();
                if (!EbsDatapoints.complete(period.getValue()) && !settled) {
                    // Publishing in order per volume: later periods wait for this one.
                    heldBack++;
                    break;
                }
                publisher.publish(EbsConversion.toVolumeMetric(volume, peerGroupOf(volume), period.getKey(),
                        (int) config.period().toSeconds(), period.getValue()));
                lastPublishedPeriodStart.put(volume.volumeId(), period.getKey());
                published++;
            }
        }
        polls.incrementAndGet();
        lastError = null;
        PollReport report = new PollReport(current.size(), requestCount, published, heldBack,
                Instant.ofEpochMilli(windowStart), Instant.ofEpochMilli(windowEnd));
        log.debug("poll: {}", report);
        return report;
    }

    private String peerGroupOf(EbsVolume volume) {
        return config.peerGroup()
                .or(() -> Optional.ofNullable(volume.instanceId()))
                .or(() -> Optional.ofNullable(volume.availabilityZone()))
                .orElse(volume.volumeId());
    }

    private void discover(Instant now, boolean first) {
        if (now.isBefore(nextDiscovery)) {
            return;
        }
        nextDiscovery = now.plus(config.discoveryInterval());
        List<EbsVolume> found;
        try {
            found = config.tagFilters().isEmpty() ? directory.byIds(config.volumeIds()) : directory.byTags(config.tagFilters());
        } catch (SdkException e) {
            if (!first) {
                log.warn("DescribeVolumes failed, keeping the {} volumes found before: {}", volumes.size(), e.getMessage());
                return;
            }
            if (!config.tagFilters().isEmpty() || !notAuthorized(e)) {
                throw e;
            }
            // Listed volumes can be polled without DescribeVolumes; only their attachments and zones stay unknown.
            log.warn("DescribeVolumes is not allowed, polling the listed volumes without their attachments: {}", e.getMessage());
            found = config.volumeIds().stream().sorted().map(EbsVolume::unknown).toList();
        }
        if (found.isEmpty() && first) {
            throw new IllegalStateException("No EBS volume matches " + CloudWatchConfig.TAG_FILTERS + "=" + config.tagFilters());
        }
        Set<String> ids = found.stream().map(EbsVolume::volumeId).collect(Collectors.toCollection(HashSet::new));
        lastPublishedPeriodStart.keySet().retainAll(ids);
        if (!found.equals(volumes)) {
            log.info("polling {} EBS volumes{}", found.size(),
                    found.size() <= 20 ? ": " + found.stream().map(EbsVolume::volumeId).toList() : "");
        }
        volumes = List.copyOf(found);
    }

    private static boolean notAuthorized(SdkException e) {
        return e instanceof AwsServiceException service && (service.statusCode() == 403
                || "UnauthorizedOperation".equals(service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode()));
    }

    public Status status() {
        return new Status(polls.get(), failedPolls.get(), volumes.size(), requests.get(), publisher.counts(), lastError);
    }

    /** Ids of the volumes polled, in order. */
    public List<String> volumeIds() {
        return volumes.stream().map(EbsVolume::volumeId).toList();
    }

    /** Why the poller stopped on its own (the producer failed), if it did. */
    public Optional<Throwable> failure() {
        return runner == null ? Optional.empty() : runner.failure();
    }

    public String topic() {
        return publisher.topic();
    }

    /** Stops polling, delivers what is pending (up to 30 s), closes the producer and the AWS clients. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (runner != null) {
            runner.stop(Duration.ofSeconds(30));
        }
        try {
            publisher.close(Duration.ofSeconds(30));
        } finally {
            // The EC2 client closes neither the HTTP client nor the credentials provider it was given.
            ec2.close();
            http.close();
            if (credentials instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("closing the credentials provider failed", e);
                }
            }
        }
    }
}
