package io.holdfast.embedded;

import io.holdfast.embedded.internal.ChildProcess;
import io.holdfast.embedded.internal.KafkaBrokerMain;
import io.holdfast.embedded.internal.LoopbackPorts;
import io.holdfast.embedded.internal.PortMemory;
import io.holdfast.embedded.internal.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node) in a child JVM built
 * from the Maven artifacts, listening on 127.0.0.1 only. The data directory survives {@link #stop}
 * and {@link #kill}, so {@link #start} after either is a restart of the same cluster on the same ports.
 */
public final class EmbeddedKafka extends EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    /**
     * Settings of the embedded broker.
     *
     * @param dataDir where the KRaft log, the config and the broker's log file live
     * @param brokerPort client listener port; 0 picks a free one
     * @param controllerPort controller listener port; 0 picks a free one
     * @param jvmArgs options of the broker's JVM
     * @param brokerOverrides broker properties applied over the defaults of {@link #brokerProperties}
     * @param startTimeout how long to wait for the broker to answer requests
     * @param security secured listeners beside the PLAINTEXT one, or null for PLAINTEXT only
     */
    public record Options(Path dataDir, int brokerPort, int controllerPort, List<String> jvmArgs,
                          Map<String, String> brokerOverrides, Duration startTimeout, SecuredListeners security) {

        /** Small heap, client-grade JIT: starts in a few seconds, ample for tests and the dev stack. */
        public static final List<String> DEFAULT_JVM_ARGS =
                List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

        public static Options in(Path dataDir) {
            return new Options(dataDir, 0, 0, DEFAULT_JVM_ARGS, Map.of(), Duration.ofSeconds(90), null);
        }

        public Options withJvmArgs(List<String> args) {
            return new Options(dataDir, brokerPort, controllerPort, List.copyOf(args), brokerOverrides, startTimeout, security);
        }

        public Options withBrokerOverrides(Map<String, String> overrides) {
            return new Options(dataDir, brokerPort, controllerPort, jvmArgs, Map.copyOf(overrides), startTimeout, security);
        }

        public Options withPorts(int broker, int controller) {
            return new Options(dataDir, broker, controller, jvmArgs, brokerOverrides, startTimeout, security);
        }

        /** Adds a SASL_SSL (SCRAM-SHA-512) and an SSL (mutual TLS) listener beside PLAINTEXT. */
        public Options withSecuredListeners(SecuredListeners listeners) {
            return new Options(dataDir, brokerPort, controllerPort, jvmArgs, brokerOverrides, startTimeout, listeners);
        }
    }

    /**
     * The broker's secured listeners: {@code SASL_SSL} with SCRAM-SHA-512 and {@code SSL} that requires a
     * client certificate (mutual TLS), both on 127.0.0.1 with the caller's stores.
     *
     * <p>The PLAINTEXT listener stays, on 127.0.0.1 only: it carries inter-broker traffic, the readiness
     * check and {@link #admin()} (which creates the SCRAM users), so that the harness needs no client
     * credentials of its own and a test's secured clients are the only ones on the secured listeners.
     *
     * @param keyStore the broker's PKCS12 key store (its certificate must name 127.0.0.1)
     * @param keyStorePassword password of the key store and of its key
     * @param trustStore PKCS12 trust store holding the CA that signs client certificates
     * @param trustStorePassword password of the trust store
     * @param scramUsers SCRAM-SHA-512 users (name to password) created once the broker is up
     */
    public record SecuredListeners(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
                                   Map<String, String> scramUsers) {

        public SecuredListeners {
            scramUsers = Map.copyOf(scramUsers);
        }

        @Override
        public String toString() {
            // Records print every component; these passwords must not reach a test log.
            return "SecuredListeners[" + keyStore + ", " + trustStore + ", users " + scramUsers.keySet() + "]";
        }
    }

    /** SCRAM iterations: Kafka's minimum, since these users exist for a test's lifetime only. */
    private static final int SCRAM_ITERATIONS = 4096;

    private final Options options;
    private final int brokerPort;
    private final int controllerPort;
    private final int saslSslPort;
    private final int sslPort;
    private final String clusterId;

    private EmbeddedKafka(Options options, int brokerPort, int controllerPort, int saslSslPort, int sslPort, String clusterId) {
        this.options = options;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.saslSslPort = saslSslPort;
        this.sslPort = sslPort;
        this.clusterId = clusterId;
    }

    /** Starts a broker and waits until it answers a metadata request. */
    public static EmbeddedKafka start(Options options) {
        try {
            Files.createDirectories(options.dataDir());
            Path clusterIdFile = options.dataDir().resolve("cluster.id");
            if (!Files.exists(clusterIdFile)) {
                Files.writeString(clusterIdFile, Uuid.randomUuid().toString(), StandardCharsets.UTF_8);
            }
            String clusterId = Files.readString(clusterIdFile, StandardCharsets.UTF_8).trim();
            int broker = PortMemory.choose(options.dataDir(), "broker", options.brokerPort());
            int controller = PortMemory.choose(options.dataDir(), "controller", options.controllerPort());
            boolean secured = options.security() != null;
            int saslSsl = secured ? PortMemory.choose(options.dataDir(), "sasl_ssl", 0) : -1;
            int ssl = secured ? PortMemory.choose(options.dataDir(), "ssl", 0) : -1;
            EmbeddedKafka kafka = new EmbeddedKafka(options, broker, controller, saslSsl, ssl, clusterId);
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new EmbeddedStartException("Kafka: cannot prepare " + options.dataDir() + ": " + e.getMessage(), e);
        }
    }

    /** (Re)starts the broker process on the same ports and data; a no-op while it runs. */
    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        Path config = writeConfig();
        Path logFile = options.dataDir().resolve("broker.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmArgs());
        command.add("-Dlogback.configurationFile=holdfast-embedded-child-logback.xml");
        command.add("-Dholdfast.child=kafka-broker");
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add(KafkaBrokerMain.class.getName());
        command.add(config.toString());
        command.add(clusterId);
        ChildProcess child = ChildProcess.start("kafka-broker", command, options.dataDir(), logFile);
        attach(child);
        try {
            Readiness.await(child, options.startTimeout(), this::answersMetadata);
            if (options.security() != null) {
                createScramUsers(options.security().scramUsers());
            }
        } catch (RuntimeException e) {
            child.kill();
            throw e;
        }
        log.info("Kafka broker ready at {} in {} ms (pid {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), child.pid());
    }

    /** This JVM's class path with every entry made absolute: the broker runs in its data directory. */
    static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            boolean wildcard = entry.endsWith("*");
            String path = wildcard ? entry.substring(0, entry.length() - 1) : entry;
            String absolute = Path.of(path.isEmpty() ? "." : path).toAbsolutePath().toString();
            entries.add(wildcard ? absolute + java.io.File.separator + "*" : absolute);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private boolean answersMetadata() {
        if (!LoopbackPorts.isListening(brokerPort)) {
            return false;
        }
        try (Admin admin = admin(Duration.ofSeconds(3))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The properties the broker runs with: single node, loopback only, replication factor 1. */
    public Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + LoopbackPorts.LOOPBACK + ":" + controllerPort);
        String clientListeners = "PLAINTEXT://" + LoopbackPorts.LOOPBACK + ":" + brokerPort;
        SecuredListeners security = options.security();
        if (security != null) {
            clientListeners += ",SASL_SSL://" + LoopbackPorts.LOOPBACK + ":" + saslSslPort
                    + ",SSL://" + LoopbackPorts.LOOPBACK + ":" + sslPort;
        }
        p.put("listeners", clientListeners + ",CONTROLLER://" + LoopbackPorts.LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", clientListeners);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", security == null ? "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                : "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL");
        if (security != null) {
            p.putAll(securedListenerProperties(security));
        }
        p.put("log.dirs", options.dataDir().resolve("kraft").toAbsolutePath().toString());
        p.put("num.partitions", "1");
        // Topics are created explicitly (holdfast's topic catalog); a typo must not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.putAll(options.brokerOverrides());
        return p;
    }

    /** Key and trust stores for both TLS listeners; SCRAM on SASL_SSL; a client certificate required on SSL. */
    private static Map<String, String> securedListenerProperties(SecuredListeners security) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String listener : List.of("sasl_ssl", "ssl")) {
            String prefix = "listener.name." + listener + ".";
            p.put(prefix + "ssl.keystore.type", "PKCS12");
            p.put(prefix + "ssl.keystore.location", security.keyStore().toAbsolutePath().toString());
            p.put(prefix + "ssl.keystore.password", security.keyStorePassword());
            p.put(prefix + "ssl.key.password", security.keyStorePassword());
            p.put(prefix + "ssl.truststore.type", "PKCS12");
            p.put(prefix + "ssl.truststore.location", security.trustStore().toAbsolutePath().toString());
            p.put(prefix + "ssl.truststore.password", security.trustStorePassword());
        }
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        return p;
    }

    /**
     * Creates (or resets) the SCRAM-SHA-512 users through the PLAINTEXT listener and waits until the
     * broker knows them: credentials are metadata records, applied by the broker shortly after the
     * controller accepts them.
     */
    private void createScramUsers(Map<String, String> users) {
        if (users.isEmpty()) {
            return;
        }
        List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> upserts = new ArrayList<>();
        users.forEach((user, password) -> upserts.add(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                new org.apache.kafka.clients.admin.ScramCredentialInfo(
                        org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)));
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeUserScramCredentials(List.copyOf(users.keySet())).all().get(10, TimeUnit.SECONDS).size() < users.size()) {
                if (System.nanoTime() > deadline) {
                    throw new EmbeddedStartException("Kafka: SCRAM users " + users.keySet() + " not visible within 30 s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStartException("Kafka: interrupted while creating SCRAM users", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new EmbeddedStartException("Kafka: cannot create SCRAM users " + users.keySet() + ": " + e.getMessage(), e);
        }
    }

    private Path writeConfig() {
        Path config = options.dataDir().resolve("server.properties");
        String text = brokerProperties().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# written by holdfast EmbeddedKafka\n", "\n"));
        try {
            Files.writeString(config, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    public String bootstrapServers() {
        return LoopbackPorts.LOOPBACK + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    /** {@code 127.0.0.1:port} of the SASL_SSL (SCRAM-SHA-512) listener; only with secured listeners. */
    public String saslSslBootstrapServers() {
        requireSecured();
        return LoopbackPorts.LOOPBACK + ":" + saslSslPort;
    }

    /** {@code 127.0.0.1:port} of the SSL listener that requires a client certificate; only with secured listeners. */
    public String mutualTlsBootstrapServers() {
        requireSecured();
        return LoopbackPorts.LOOPBACK + ":" + sslPort;
    }

    private void requireSecured() {
        if (options.security() == null) {
            throw new IllegalStateException("this broker has no secured listeners (Options.withSecuredListeners)");
        }
    }

    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return options.dataDir();
    }

    /** Client properties for this broker (bootstrap servers only; the broker is plaintext). */
    public Map<String, Object> clientProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    public Admin admin() {
        return admin(Duration.ofSeconds(30));
    }

    private Admin admin(Duration apiTimeout) {
        int timeout = (int) apiTimeout.toMillis();
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100));
    }

    /**
     * Creates topics (if missing) and waits until every partition has a leader: producing to a
     * partition whose leader is not yet known is where the producer can lose records after a
     * topic is created (KAFKA-15591 family).
     */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
            awaitLeaders(admin, topics.stream().map(NewTopic::name).collect(Collectors.toSet()), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    public void createTopic(String name, int partitions) {
        createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
    }

    private static void awaitLeaders(Admin admin, Set<String> names, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean allLed = described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // metadata not propagated yet; retry until the deadline
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader for every partition of " + names + " within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** The broker flushes and closes its logs on SIGTERM; a large log can take a while. */
    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + options.dataDir() + "]";
    }
}
