package io.holdfast.embedded;

import io.holdfast.embedded.internal.ChildProcess;
import io.holdfast.embedded.internal.LoopbackPorts;
import io.holdfast.embedded.internal.PortMemory;
import io.holdfast.embedded.internal.Readiness;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3-compatible server: Adobe's S3Mock, run from its self-contained exec jar in a child JVM,
 * with both of its connectors bound to 127.0.0.1. It supports object tagging, user metadata and
 * conditional create ({@code If-None-Match: *} answered with 412 when the key exists).
 */
public final class EmbeddedS3 extends EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);

    /** A resource inside S3Mock's exec jar, used to find the jar on the classpath. */
    private static final String S3MOCK_MARKER = "BOOT-INF/classes/com/adobe/testing/s3mock/S3MockApplication.class";

    /** S3Mock accepts any credentials; these name nothing real. */
    public static final String ACCESS_KEY = "holdfast-embedded";
    public static final String SECRET_KEY = "holdfast-embedded";
    public static final String REGION = "us-east-1";

    /**
     * Settings of the embedded S3 server.
     *
     * @param dataDir where objects are stored (kept across restarts) and the server's log
     * @param httpPort plain HTTP port; 0 picks a free one
     * @param buckets buckets that exist from the start
     * @param jvmArgs options of the server's JVM
     * @param startTimeout how long to wait for the first successful request
     */
    public record Options(Path dataDir, int httpPort, List<String> buckets, List<String> jvmArgs,
                          Duration startTimeout) {

        /**
         * S3Mock rewrites its bucket's metadata file (every key of the bucket) on each put, so a put's cost grows with
         * the bucket. The full JIT and a larger young generation keep that bearable. Measured here (one curl sending
         * 2,000 small puts per batch into a fresh bucket, 2 cores): puts 4,001-6,000 ran at 91 puts/s with these
         * options and at 56 puts/s with C1 only ({@code -XX:TieredStopAtLevel=1}) and 64-384 MB; the first 2,000
         * at 134 and 181. Start-up took 6.4 s and 4.4 s.
         */
        public static final List<String> DEFAULT_JVM_ARGS =
                List.of("-Xms256m", "-Xmx768m", "-XX:+UseSerialGC", "-Xss512k");

        public static Options in(Path dataDir, String... buckets) {
            return new Options(dataDir, 0, List.of(buckets), DEFAULT_JVM_ARGS, Duration.ofSeconds(120));
        }

        public Options withHttpPort(int port) {
            return new Options(dataDir, port, buckets, jvmArgs, startTimeout);
        }
    }

    private final Options options;
    private final int httpPort;
    private final int httpsPort;

    private EmbeddedS3(Options options, int httpPort, int httpsPort) {
        this.options = options;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    public static EmbeddedS3 start(Options options) {
        int http = PortMemory.choose(options.dataDir(), "http", options.httpPort());
        EmbeddedS3 s3 = new EmbeddedS3(options, http, PortMemory.choose(options.dataDir(), "https", 0));
        s3.start();
        return s3;
    }

    /** (Re)starts the server on the same port and storage; a no-op while it runs. */
    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        Path storage = options.dataDir().resolve("objects");
        Path loopbackBeans = options.dataDir().resolve("s3mock-loopback.xml");
        try {
            Files.createDirectories(storage);
            Files.writeString(loopbackBeans, LOOPBACK_BEANS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EmbeddedStartException("S3: cannot prepare " + options.dataDir() + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmArgs());
        command.add("-Dholdfast.child=s3mock");
        command.add("-jar");
        command.add(locateExecJar().toString());
        command.add("--server.address=" + LoopbackPorts.LOOPBACK);
        command.add("--server.port=" + httpsPort);
        command.add("--com.adobe.testing.s3mock.http-port=" + httpPort);
        command.add("--com.adobe.testing.s3mock.store.root=" + storage.toAbsolutePath());
        command.add("--com.adobe.testing.s3mock.store.retain-files-on-exit=true");
        if (!options.buckets().isEmpty()) {
            command.add("--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", options.buckets()));
        }
        command.add("--spring.main.sources=file:" + loopbackBeans.toAbsolutePath());
        command.add("--spring.main.banner-mode=off");
        command.add("--logging.level.root=WARN");
        command.add("--logging.level.com.adobe.testing.s3mock.S3MockApplication=INFO");
        ChildProcess child = ChildProcess.start("s3mock", command, options.dataDir(), options.dataDir().resolve("s3mock.log"));
        attach(child);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Readiness.await(child, options.startTimeout(), () -> listsBuckets(http));
        } catch (RuntimeException e) {
            child.kill();
            throw e;
        }
        log.info("S3 server ready at {} in {} ms (pid {})", endpoint(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), child.pid());
    }

    private boolean listsBuckets(HttpClient http) {
        if (!LoopbackPorts.isListening(httpPort)) {
            return false;
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Finds S3Mock's exec jar on the classpath (a dependency of this module). */
    static Path locateExecJar() {
        URL marker = EmbeddedS3.class.getClassLoader().getResource(S3MOCK_MARKER);
        if (marker == null || !"jar".equals(marker.getProtocol())) {
            throw new EmbeddedStartException("S3: S3Mock's exec jar (com.adobe.testing:s3mock:exec) is not on the classpath");
        }
        String spec = marker.getPath(); // file:/path/s3mock-x-exec.jar!/BOOT-INF/...
        try {
            return Path.of(new URI(spec.substring(0, spec.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new EmbeddedStartException("S3: cannot locate S3Mock's jar from " + marker, e);
        }
    }

    /** Base URL for S3 clients (path-style access). */
    public String endpoint() {
        return "http://" + LoopbackPorts.LOOPBACK + ":" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** S3Mock's TLS port (self-signed certificate), also bound to 127.0.0.1. */
    public int httpsPort() {
        return httpsPort;
    }

    public Path dataDir() {
        return options.dataDir();
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(15);
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint() + ", " + options.dataDir() + "]";
    }

    /*
     * S3Mock adds its plain-HTTP connector with no address, so it would listen on every interface.
     * This bean definition, loaded as an extra Spring source, binds that connector to 127.0.0.1
     * before the server starts (the HTTPS connector follows server.address).
     */
    private static final String LOOPBACK_BEANS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <beans xmlns="http://www.springframework.org/schema/beans"
                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                   xsi:schemaLocation="http://www.springframework.org/schema/beans https://www.springframework.org/schema/beans/spring-beans.xsd">
              <bean id="holdfastLoopbackHttpConnector" lazy-init="false"
                    class="org.springframework.beans.factory.config.MethodInvokingBean">
                <property name="targetObject">
                  <bean factory-bean="s3MockConfiguration" factory-method="getHttpConnector"/>
                </property>
                <property name="targetMethod" value="setProperty"/>
                <property name="arguments">
                  <list><value>address</value><value>127.0.0.1</value></list>
                </property>
              </bean>
            </beans>
            """;
}
