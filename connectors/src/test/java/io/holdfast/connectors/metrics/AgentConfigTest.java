package io.holdfast.connectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.topology.config.HoldfastConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    private static AgentConfig load(Map<String, String> env, Map<String, String> overrides) {
        return AgentConfig.load(Optional.empty(), env, overrides);
    }

    @Test
    void documentedDefaults() {
        AgentConfig config = load(Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(1), config.period());
        assertEquals("/proc/diskstats", config.diskStatsPath().toString());
        assertEquals(AgentConfig.DEFAULT_DEVICE_INCLUDE, config.deviceInclude().pattern());
        assertTrue(config.deviceExclude().isEmpty());
        assertFalse(config.node().isBlank(), "the host name");
        assertEquals(config.node(), config.peerGroup(), "peer group defaults to the node");
        assertTrue(config.cell().isEmpty());
        assertEquals(Map.of(), config.volumeIds());
        assertEquals(Duration.ofMinutes(1), config.progressInterval());
        for (ConfigDef.ConfigKey key : AgentConfig.fullDefinition().configKeys().values()) {
            assertFalse(key.documentation == null || key.documentation.isBlank(), key.name + " has no documentation");
        }
        assertTrue(AgentConfig.fullDefinition().names().containsAll(HoldfastConfig.baseDefinition().names()));
    }

    @Test
    void settingsFromEnvironmentAndOverrides() {
        AgentConfig config = load(Map.of("HOLDFAST_AGENT_PERIOD_MS", "5000", "HOLDFAST_AGENT_NODE", "db-7"),
                Map.of(AgentConfig.VOLUME_IDS, "nvme1n1=vol-0abc, nvme2n1=vol-0def", AgentConfig.PEER_GROUP, "rack-2",
                        AgentConfig.DEVICE_EXCLUDE, "nvme0n1"));
        assertEquals(Duration.ofSeconds(5), config.period());
        assertEquals("db-7", config.node());
        assertEquals("rack-2", config.peerGroup());
        assertEquals(Map.of("nvme1n1", "vol-0abc", "nvme2n1", "vol-0def"), config.volumeIds());
        assertTrue(config.deviceExclude().orElseThrow().matcher("nvme0n1").matches());
    }

    @Test
    void badValuesFailWithOneLineNamingTheKey() {
        ConfigException period = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(AgentConfig.PERIOD_MS, "500")));
        assertTrue(period.getMessage().contains(AgentConfig.PERIOD_MS), period.getMessage());
        ConfigException regex = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(AgentConfig.DEVICE_INCLUDE, "sd[a-")));
        assertTrue(regex.getMessage().contains("not a regular expression") && !regex.getMessage().contains("\n"), regex.getMessage());
        assertThrows(ConfigException.class, () -> load(Map.of(), Map.of(AgentConfig.VOLUME_IDS, "nvme1n1")));
        assertThrows(ConfigException.class, () -> load(Map.of(), Map.of("holdfast.agent.perod.ms", "1000")), "typo refused");
    }
}
