package io.holdfast.connectors.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class S3ScannerTest {

    @Test
    void theProducerIsIdempotentWithAcksAll() {
        Map<String, Object> props = S3Scanner.producerProperties(Map.of("bootstrap.servers", "h:9092", "linger.ms", "20",
                "holdfast.scan.page.size", "10", "group.id", "g"), "c");
        assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("true", props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("20", props.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("c", props.get(ProducerConfig.CLIENT_ID_CONFIG));
        assertFalse(props.containsKey("group.id"), "only producer settings");
        assertEquals("all", S3Scanner.producerProperties(Map.of(ProducerConfig.ACKS_CONFIG, "-1"), "c").get(ProducerConfig.ACKS_CONFIG));
    }

    @Test
    void settingsThatCouldLoseARecordAreRefused() {
        assertThrows(ConfigException.class, () -> S3Scanner.producerProperties(Map.of(ProducerConfig.ACKS_CONFIG, "1"), "c"));
        assertThrows(ConfigException.class, () -> S3Scanner.producerProperties(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"), "c"));
    }
}
