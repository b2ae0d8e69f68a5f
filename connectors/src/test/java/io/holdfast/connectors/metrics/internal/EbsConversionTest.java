package io.holdfast.connectors.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeMetric;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EbsConversionTest {

    private static final EbsVolume VOLUME = new EbsVolume("vol-1", "i-1", "sdf", "eu-west-1b");

    private static double[] values() {
        double[] v = new double[EbsMetric.COUNT];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    @Test
    void aFiveMinutePeriodDividesByItsOwnLength() {
        double[] v = values();
        v[EbsMetric.READ_OPS.ordinal()] = 600;
        v[EbsMetric.TOTAL_READ_TIME.ordinal()] = 0.6;
        v[EbsMetric.IDLE_TIME.ordinal()] = 150;
        VolumeMetric m = EbsConversion.toVolumeMetric(VOLUME, "g", 0, 300, v);

        assertEquals(Instant.ofEpochSecond(300), m.getEventTime());
        assertEquals(300_000L, m.getSamplePeriodMs());
        assertEquals(1_000.0, m.getReadLatencyUs(), 1e-9);
        assertEquals(0.5, m.getIdleRatio(), 1e-12);
    }

    @Test
    void missingMetricsAreNullNeverZero() {
        double[] v = values();
        v[EbsMetric.READ_OPS.ordinal()] = 10;
        v[EbsMetric.TOTAL_READ_TIME.ordinal()] = 0.01;
        VolumeMetric m = EbsConversion.toVolumeMetric(VOLUME, "g", 0, 60, v);

        assertEquals(1_000.0, m.getReadLatencyUs(), 1e-9);
        assertNull(m.getWriteOps());
        assertNull(m.getWriteLatencyUs());
        assertNull(m.getLatencyUs(), "the overall latency needs both halves");
        assertNull(m.getTotalBytes());
        assertNull(m.getQueueDepth());
        assertNull(m.getIdleRatio());
        assertNull(m.getStalled());
        assertFalse(EbsDatapoints.complete(v));
    }

    @Test
    void idleTimeIsClampedToThePeriodAndTheStallCheckIsAFlag() {
        double[] v = values();
        v[EbsMetric.IDLE_TIME.ordinal()] = 61;
        v[EbsMetric.STALLED_IO_CHECK.ordinal()] = 1;
        VolumeMetric m = EbsConversion.toVolumeMetric(VOLUME, "g", 0, 60, v);
        assertEquals(1.0, m.getIdleRatio());
        assertTrue(m.getStalled());
    }
}
