package io.holdfast.health.classifier;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a peer group knows about itself: per load bucket, the decaying latency distribution of all
 * its volumes' samples (so a volume can be compared with its peers at similar throughput), and which
 * volumes reported recently (the peer count). Updated in constant time per sample: no volume is
 * ever scanned. Stale members and buckets are forgotten lazily, one at a time.
 */
public final class PeerGroupState {

    /** A volume silent this long no longer counts as a peer. */
    static final long MEMBER_EXPIRY_MS = 3_600_000L;
    private static final int MAX_MEMBERS = 100_000;

    private final HealthSettings settings;
    private int[] bucketIds = new int[4];
    private DecayingHistogram[] histograms = new DecayingHistogram[4];
    private int buckets;
    // Access-ordered: the eldest entry is the member heard from least recently.
    private final LinkedHashMap<String, Long> members = new LinkedHashMap<>(16, 0.75f, true);

    public PeerGroupState(HealthSettings settings) {
        this.settings = settings;
    }

    /**
     * Counts a volume's sample: its membership always; its latency in its load bucket only when
     * {@code representative} (the classifier passes false while the volume is DEGRADED or STALLED, so
     * that sick volumes do not redefine what is normal for their peers) and the volume is not stalled.
     */
    public void observe(String volumeId, Sample sample, boolean representative) {
        long t = sample.eventTimeMs;
        Long previous = members.put(volumeId, t);
        if (previous != null && previous > t) {
            members.put(volumeId, previous);
        }
        forgetEldestIfStale(t);
        if (representative && !Double.isNaN(sample.latencyUs) && !sample.isStalled()) {
            histogram(sample.loadBucket(), sample.periodMs).add(sample.latencyUs, t);
        }
    }

    private void forgetEldestIfStale(long now) {
        Iterator<Map.Entry<String, Long>> it = members.entrySet().iterator();
        if (it.hasNext()) {
            Map.Entry<String, Long> eldest = it.next();
            if (eldest.getValue() < now - MEMBER_EXPIRY_MS || members.size() > MAX_MEMBERS) {
                it.remove();
            }
        }
    }

    /** Volumes heard from within the last hour (the asking volume included). */
    public int memberCount() {
        return members.size();
    }

    /** The peers' latency distribution at {@code loadBucket}, or null if nobody reported at that load. */
    public DecayingHistogram histogram(int loadBucket) {
        return histogram(loadBucket, -1);
    }

    /** The bucket's histogram; created, with a half-life for samples every {@code periodMs}, if positive. */
    private DecayingHistogram histogram(int loadBucket, long periodMs) {
        for (int i = 0; i < buckets; i++) {
            if (bucketIds[i] == loadBucket) {
                return histograms[i];
            }
        }
        if (periodMs <= 0) {
            return null;
        }
        if (buckets == bucketIds.length) {
            bucketIds = java.util.Arrays.copyOf(bucketIds, buckets * 2);
            histograms = java.util.Arrays.copyOf(histograms, buckets * 2);
        }
        bucketIds[buckets] = loadBucket;
        histograms[buckets] = new DecayingHistogram(settings.peerHalfLifeMs(periodMs));
        return histograms[buckets++];
    }

    /** Drops load buckets nobody reported at for 20 half-lives (their weight is below a millionth). */
    public void forgetStaleBuckets(long now) {
        int kept = 0;
        for (int i = 0; i < buckets; i++) {
            if (histograms[i].lastUpdateMs() >= now - 20 * histograms[i].halfLifeMs()) {
                bucketIds[kept] = bucketIds[i];
                histograms[kept++] = histograms[i];
            }
        }
        for (int i = kept; i < buckets; i++) {
            histograms[i] = null;
        }
        buckets = kept;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(1); // format version
        out.writeInt(members.size());
        for (Map.Entry<String, Long> m : members.entrySet()) {
            out.writeUTF(m.getKey());
            out.writeLong(m.getValue());
        }
        out.writeShort(buckets);
        for (int i = 0; i < buckets; i++) {
            out.writeShort(bucketIds[i]);
            histograms[i].writeTo(out);
        }
    }

    public static PeerGroupState readFrom(DataInput in, HealthSettings settings) throws IOException {
        int version = in.readByte();
        if (version != 1) {
            throw new IOException("unknown peer group state format " + version);
        }
        PeerGroupState g = new PeerGroupState(settings);
        int members = in.readInt();
        for (int i = 0; i < members; i++) {
            g.members.put(in.readUTF(), in.readLong());
        }
        int buckets = in.readShort();
        for (int i = 0; i < buckets; i++) {
            int id = in.readShort();
            DecayingHistogram h = DecayingHistogram.readFrom(in);
            g.histogram(id, h.halfLifeMs());
            g.histograms[g.buckets - 1] = h;
        }
        return g;
    }
}
