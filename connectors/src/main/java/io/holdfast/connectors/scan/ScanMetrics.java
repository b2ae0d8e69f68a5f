package io.holdfast.connectors.scan;

import io.holdfast.connectors.scan.internal.KnownObjects;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scanner's Micrometer meters, tagged with the bucket and prefix scanned:
 * {@code holdfast_scan_objects_listed_total}, {@code holdfast_scan_objects_emitted_total},
 * {@code holdfast_scan_objects_skipped_total{reason}} ({@code gone}: deleted between listing and
 * reading; {@code unidentified}: no entity/revision in key or metadata), {@code holdfast_scan_pages_total},
 * {@code holdfast_scan_passes_completed_total}, {@code holdfast_scan_last_complete_pass_duration_seconds} and
 * {@code holdfast_scan_objects_inspected_total{reads}}: objects by what had to be read from S3 for them ({@code all}:
 * HeadObject and GetObjectTagging; {@code tags}: GetObjectTagging only; {@code none}: known from an earlier pass).
 */
public final class ScanMetrics {

    public static final String SKIPPED_GONE = "gone";
    public static final String SKIPPED_UNIDENTIFIED = "unidentified";

    private final Counter listed;
    private final Counter emitted;
    private final Counter gone;
    private final Counter unidentified;
    private final Counter pages;
    private final Counter passes;
    private final AtomicLong lastPassMillis = new AtomicLong();
    private final java.util.EnumMap<KnownObjects.Reads, Counter> inspected = new java.util.EnumMap<>(KnownObjects.Reads.class);

    public ScanMetrics(MeterRegistry registry, String bucket, String prefix) {
        Tags where = Tags.of("bucket", bucket, "prefix", prefix);
        listed = Counter.builder("holdfast.scan.objects.listed").tags(where)
                .description("Objects listed by ListObjectsV2 (a page listed again after a crash counts again)").register(registry);
        emitted = Counter.builder("holdfast.scan.objects.emitted").tags(where)
                .description("SnapshotObject records acknowledged on the inventory topic").register(registry);
        gone = skipped(registry, where, SKIPPED_GONE);
        unidentified = skipped(registry, where, SKIPPED_UNIDENTIFIED);
        pages = Counter.builder("holdfast.scan.pages").tags(where).description("Pages listed and checkpointed").register(registry);
        passes = Counter.builder("holdfast.scan.passes.completed").tags(where)
                .description("Passes that listed every object of the prefix").register(registry);
        for (KnownObjects.Reads reads : KnownObjects.Reads.values()) {
            inspected.put(reads, Counter.builder("holdfast.scan.objects.inspected").tags(where)
                    .tag("reads", reads.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Listed objects by what was read from S3 for them").register(registry));
        }
        // A strong reference: Micrometer holds a gauge's object weakly, and the figure must outlive this object's last user.
        TimeGauge.builder("holdfast.scan.last.complete.pass.duration", lastPassMillis, TimeUnit.MILLISECONDS, AtomicLong::get)
                .strongReference(true).tags(where).description("Start to finish of the latest complete pass, across restarts").register(registry);
    }

    private static Counter skipped(MeterRegistry registry, Tags where, String reason) {
        return Counter.builder("holdfast.scan.objects.skipped").tags(where).tag("reason", reason)
                .description("Listed objects not emitted").register(registry);
    }

    void page(long objectsListed, long objectsEmitted, long objectsGone, long objectsUnidentified) {
        pages.increment();
        listed.increment(objectsListed);
        emitted.increment(objectsEmitted);
        gone.increment(objectsGone);
        unidentified.increment(objectsUnidentified);
    }

    /** Called from the inspector's threads (Counter is thread-safe). */
    void inspected(KnownObjects.Reads reads) {
        inspected.get(reads).increment();
    }

    void passCompleted(Duration duration) {
        passes.increment();
        lastPassMillis.set(duration.toMillis());
    }
}
