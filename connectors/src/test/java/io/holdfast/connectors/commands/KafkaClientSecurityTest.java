package io.holdfast.connectors.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connectors' producers and admin clients keep only the settings their client understands; every
 * setting a secured cluster needs (SASL_SSL with SCRAM, mutual TLS with PKCS12 or PEM) must be among them.
 */
class KafkaClientSecurityTest {

    private static Map<String, Object> securedSettings() {
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("bootstrap.servers", "broker-1:9094");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.mechanism", "SCRAM-SHA-512");
        kafka.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        kafka.put("ssl.truststore.type", "PKCS12");
        kafka.put("ssl.truststore.location", "/etc/holdfast/truststore.p12");
        kafka.put("ssl.truststore.password", "tp");
        kafka.put("ssl.keystore.type", "PKCS12");
        kafka.put("ssl.keystore.location", "/etc/holdfast/client.p12");
        kafka.put("ssl.keystore.password", "kp");
        kafka.put("ssl.key.password", "kp");
        kafka.put("ssl.endpoint.identification.algorithm", "https");
        kafka.put("ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----");
        kafka.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
        kafka.put("sasl.login.callback.handler.class", "com.example.Login");
        return kafka;
    }

    @Test
    void adminClientsKeepEverySecuritySetting() {
        Map<String, Object> admin = KafkaTopics.adminProperties(securedSettings());
        securedSettings().forEach((key, value) -> assertEquals(value, admin.get(key), key));
    }

    @Test
    void producersKeepEverySecuritySetting() {
        Map<String, Object> producer = KafkaTopics.idempotentProducer(securedSettings(), "it");
        securedSettings().forEach((key, value) -> assertEquals(value, producer.get(key), key));
    }
}
