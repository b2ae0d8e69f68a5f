package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CloudWatchConfigTest {

    private static CloudWatchConfig load(Map<String, String> overrides) {
        return CloudWatchConfig.load(Optional.empty(), Map.of(), overrides);
    }

    @Test
    void documentedDefaults() {
        CloudWatchConfig config = load(Map.of(CloudWatchConfig.VOLUME_IDS, "vol-1,vol-2"));
        assertEquals(List.of("vol-1", "vol-2"), config.volumeIds());
        assertEquals(Map.of(), config.tagFilters());
        assertTrue(config.region().isEmpty());
        assertEquals(Duration.ofSeconds(60), config.period());
        assertEquals(Duration.ofSeconds(60), config.pollInterval());
        assertEquals(Duration.ofMinutes(15), config.lookback());
        assertEquals(Duration.ofMinutes(5), config.settle());
        assertEquals(Duration.ofMinutes(5), config.discoveryInterval());
        assertTrue(config.peerGroup().isEmpty());
        assertEquals(500, config.maxMetricsPerRequest());
        for (ConfigDef.ConfigKey key : CloudWatchConfig.fullDefinition().configKeys().values()) {
            assertFalse(key.documentation == null || key.documentation.isBlank(), key.name + " has no documentation");
        }
    }

    @Test
    void tagFiltersGroupValuesByKey() {
        CloudWatchConfig config = load(Map.of(CloudWatchConfig.TAG_FILTERS, "role=vitess,env=prod,role=vitess-replica"));
        assertEquals(Map.of("role", List.of("vitess", "vitess-replica"), "env", List.of("prod")), config.tagFilters());
    }

    @Test
    void exactlyOneWayToChooseVolumes() {
        ConfigException neither = assertThrows(ConfigException.class, () -> load(Map.of()));
        assertTrue(neither.getMessage().startsWith("Set exactly one of"), neither.getMessage());
        ConfigException both = assertThrows(ConfigException.class,
                () -> load(Map.of(CloudWatchConfig.VOLUME_IDS, "vol-1", CloudWatchConfig.TAG_FILTERS, "a=b")));
        assertTrue(both.getMessage().endsWith("not both"), both.getMessage());
    }

    @Test
    void periodsAreWholeMinutesAndTheLookbackCoversOne() {
        assertThrows(ConfigException.class, () -> load(Map.of(CloudWatchConfig.VOLUME_IDS, "v", CloudWatchConfig.PERIOD_SECONDS, "90")));
        assertThrows(ConfigException.class, () -> load(Map.of(CloudWatchConfig.VOLUME_IDS, "v", CloudWatchConfig.PERIOD_SECONDS, "30")));
        ConfigException lookback = assertThrows(ConfigException.class, () -> load(Map.of(CloudWatchConfig.VOLUME_IDS, "v",
                CloudWatchConfig.LOOKBACK_MS, "300000")));
        assertTrue(lookback.getMessage().contains("at least holdfast.cloudwatch.settle.ms plus one period"), lookback.getMessage());
        assertEquals(Duration.ofMinutes(5), load(Map.of(CloudWatchConfig.VOLUME_IDS, "v", CloudWatchConfig.PERIOD_SECONDS, "300")).period());
        assertThrows(ConfigException.class, () -> load(Map.of(CloudWatchConfig.VOLUME_IDS, "v", CloudWatchConfig.MAX_METRICS_PER_REQUEST, "501")));
    }
}
