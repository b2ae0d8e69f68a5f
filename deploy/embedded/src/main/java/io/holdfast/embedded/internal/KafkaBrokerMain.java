package io.holdfast.embedded.internal;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Entry point of the broker's child JVM: formats the KRaft log directory on first start (what
 * {@code kafka-storage.sh format} does) and runs a combined broker+controller node until SIGTERM.
 *
 * <p>Usage: {@code KafkaBrokerMain <server.properties> <cluster-id>}
 */
public final class KafkaBrokerMain {

    static final String STARTED_MARKER = "holdfast: broker started";

    private KafkaBrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        String logDir = props.getProperty("log.dirs");
        if (!Files.exists(Path.of(logDir, "meta.properties"))) {
            new Formatter()
                    .setPrintStream(System.out)
                    .setNodeId(Integer.parseInt(props.getProperty("node.id")))
                    .setClusterId(args[1])
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setControllerListenerName(props.getProperty("controller.listener.names"))
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "holdfast-broker-shutdown"));
        server.startup();
        System.out.println(STARTED_MARKER);
        System.out.flush();
        server.awaitShutdown();
    }
}
