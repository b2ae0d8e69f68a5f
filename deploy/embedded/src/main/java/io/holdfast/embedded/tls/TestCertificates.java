package io.holdfast.embedded.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made on the spot for a secured embedded broker and its clients: a CA, a broker
 * certificate for {@code IP:127.0.0.1} and {@code DNS:localhost} and a client certificate, both
 * signed by the CA, in PKCS12 key stores, and a trust store holding the CA, each with its own
 * random password.
 *
 * <p>Made with the JDK's own {@code keytool} (no extra library is needed, and what it writes is what
 * an operator's tooling writes). Key pairs are EC P-256: generated in milliseconds, unlike RSA.
 * Passwords travel to {@code keytool} through its environment ({@code -storepass:env}), never on a
 * command line another process could read.
 */
public final class TestCertificates {

    /** A PKCS12 file and the password that opens it (the store's and its key's). */
    public record Store(Path path, String password) {}

    private static final String PASSWORD_ENV = "HOLDFAST_TEST_STORE_PASSWORD";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store trustStore;
    private final Store brokerKeyStore;
    private final Store clientKeyStore;

    private TestCertificates(Store trustStore, Store brokerKeyStore, Store clientKeyStore) {
        this.trustStore = trustStore;
        this.brokerKeyStore = brokerKeyStore;
        this.clientKeyStore = clientKeyStore;
    }

    /** Writes the CA, broker and client stores into {@code dir} (created if missing). */
    public static TestCertificates generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Store ca = new Store(dir.resolve("ca.p12"), randomPassword());
            keytool(ca.password(), "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=holdfast test CA", "-validity", "30", "-ext", "bc:c",
                    "-keystore", ca.path().toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);
            Path caCert = dir.resolve("ca.crt");
            keytool(ca.password(), "-exportcert", "-rfc", "-alias", "ca", "-file", caCert.toString(),
                    "-keystore", ca.path().toString(), "-storepass:env", PASSWORD_ENV);

            Store trust = new Store(dir.resolve("truststore.p12"), randomPassword());
            keytool(trust.password(), "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                    "-keystore", trust.path().toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);

            Store broker = signedKeyStore(dir, "broker", "CN=localhost", "SAN=IP:127.0.0.1,DNS:localhost", ca, caCert);
            Store client = signedKeyStore(dir, "client", "CN=holdfast-client", null, ca, caCert);
            return new TestCertificates(trust, broker, client);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write test certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A key pair in its own store, its certificate signed by the CA and stored with the CA as its chain. */
    private static Store signedKeyStore(Path dir, String name, String dname, String subjectAltNames, Store ca, Path caCert)
            throws IOException {
        Store store = new Store(dir.resolve(name + ".p12"), randomPassword());
        String path = store.path().toString();
        keytool(store.password(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, "-validity", "30", "-keystore", path, "-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV);
        Path request = dir.resolve(name + ".csr");
        keytool(store.password(), "-certreq", "-alias", name, "-file", request.toString(),
                "-keystore", path, "-storepass:env", PASSWORD_ENV);
        Path signed = dir.resolve(name + ".crt");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-infile", request.toString(),
                "-outfile", signed.toString(), "-validity", "30", "-keystore", ca.path().toString(), "-storepass:env", PASSWORD_ENV));
        if (subjectAltNames != null) {
            sign.add("-ext");
            sign.add(subjectAltNames);
        }
        keytool(ca.password(), sign.toArray(String[]::new));
        keytool(store.password(), "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                "-keystore", path, "-storepass:env", PASSWORD_ENV);
        keytool(store.password(), "-importcert", "-alias", name, "-file", signed.toString(),
                "-keystore", path, "-storepass:env", PASSWORD_ENV);
        return store;
    }

    private static void keytool(String password, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool " + args[0], e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): " + output.strip());
        }
    }

    /** 24 random hex characters: enough that a leak found by searching logs for it is certainly a leak. */
    public static String randomPassword() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The CA certificate, for every client and the broker. */
    public Store trustStore() {
        return trustStore;
    }

    /** The broker's key and certificate (SAN IP:127.0.0.1, DNS:localhost). */
    public Store brokerKeyStore() {
        return brokerKeyStore;
    }

    /** A client's key and certificate, signed by the same CA: what mutual TLS asks a client for. */
    public Store clientKeyStore() {
        return clientKeyStore;
    }

    /** Client settings for a SASL_SSL listener with SCRAM-SHA-512, trusting this CA. */
    public Map<String, Object> scramClientProperties(String bootstrapServers, String user, String password) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        p.putAll(trustProperties());
        return p;
    }

    /** Client settings for an SSL listener that requires a client certificate: the client key store and this CA. */
    public Map<String, Object> mutualTlsClientProperties(String bootstrapServers) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", clientKeyStore.path().toString());
        p.put("ssl.keystore.password", clientKeyStore.password());
        p.put("ssl.key.password", clientKeyStore.password());
        p.putAll(trustProperties());
        return p;
    }

    private Map<String, Object> trustProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", trustStore.path().toString());
        p.put("ssl.truststore.password", trustStore.password());
        return p;
    }
}
