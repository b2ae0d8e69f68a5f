package io.holdfast.connectors.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.store.StoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ScanConfigTest {

    @Test
    void defaults() {
        ScanConfig c = ScanConfig.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(1000, c.pageSize());
        assertEquals(Duration.ofMinutes(1), c.interval());
        assertEquals("20261206T183000.250Z", c.passIdFormatter().format(Instant.parse("2026-12-06T18:30:00.250Z")));
        assertEquals("holdfast-snapshots", c.bucket());
        assertEquals("snapshots/", c.prefix());
        assertEquals(16, c.maxConcurrency());
        assertEquals("us-east-1", c.store().getString(StoreConfig.S3_REGION));
    }

    @Test
    void refusesWhatS3OrTheFormatterCannotDo() {
        assertThrows(ConfigException.class, () -> ScanConfig.load(Optional.empty(), Map.of(), Map.of(ScanConfig.PAGE_SIZE, "1001")));
        assertThrows(ConfigException.class, () -> ScanConfig.load(Optional.empty(), Map.of(), Map.of(ScanConfig.PAGE_SIZE, "0")));
        assertThrows(ConfigException.class, () -> ScanConfig.load(Optional.empty(), Map.of(), Map.of(ScanConfig.INTERVAL_MS, "10")));
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ScanConfig.load(Optional.empty(), Map.of(), Map.of(ScanConfig.PASS_ID_FORMAT, "yyyy-{{")));
        assertTrue(bad.getMessage().contains(ScanConfig.PASS_ID_FORMAT), bad.getMessage());
        assertThrows(ConfigException.class, () -> ScanConfig.load(Optional.empty(), Map.of(), Map.of("holdfast.scan.pagesize", "5")));
    }
}
