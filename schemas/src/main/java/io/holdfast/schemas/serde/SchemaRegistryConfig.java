package io.holdfast.schemas.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Connection settings of the Schema Registry client, with the key names Confluent clients use
 * ({@code schema.registry.url}, {@code basic.auth.*}) and Kafka's {@code ssl.*} keys under the
 * {@code schema.registry.ssl.} prefix. Secrets are {@link Password}s: they print as {@code [hidden]} and never
 * reach a message or a log.
 */
public final class SchemaRegistryConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** The only supported credentials source: {@link #BASIC_AUTH_USER_INFO}. */
    public static final String USER_INFO = "USER_INFO";

    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String SSL_PROTOCOL = SSL_PREFIX + "protocol";
    public static final String SSL_TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
    public static final String SSL_KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
    public static final String SSL_KEY_PASSWORD = SSL_PREFIX + "key.password";

    public static final String RETRIES = "schema.registry.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), SchemaRegistryConfig::validateUrls, Importance.HIGH,
                    "Schema Registry base URLs (http or https), comma-separated; a failed request moves on "
                            + "to the next. Credentials do not belong in the URL: use " + BASIC_AUTH_USER_INFO + ".")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, USER_INFO, ValidString.in(USER_INFO), Importance.MEDIUM,
                    "Where HTTP basic auth credentials come from. USER_INFO: " + BASIC_AUTH_USER_INFO + ".")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, SchemaRegistryConfig::validateUserInfo, Importance.MEDIUM,
                    "Basic auth credentials 'user:password'. Unset: no Authorization header.")
            .define(SSL_PROTOCOL, Type.STRING, "TLSv1.3", Importance.LOW,
                    "SSLContext protocol for https registry URLs (TLSv1.3 also negotiates TLSv1.2).")
            .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                    "Trust store file for https. Unset: the JDK's default trust store.")
            .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Trust store password.")
            .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Trust store type (PKCS12 or JKS).")
            .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM,
                    "Key store file holding the client certificate for mutual TLS. Unset: no client certificate.")
            .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Key store password.")
            .define(SSL_KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Key store type (PKCS12 or JKS).")
            .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                    "Password of the private key in the key store. Unset: the key store password.")
            .define(RETRIES, Type.INT, 5, Range.between(0, 100), Importance.LOW,
                    "Retries of a request that failed to connect, timed out, or got HTTP 429 or 5xx. Other "
                            + "answers (4xx, TLS failures) are not retried.")
            .define(RETRY_BACKOFF_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                    "Backoff before the first retry; it doubles with every retry (with jitter) up to "
                            + RETRY_BACKOFF_MAX_MS + ".")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                    "Upper bound of the backoff between retries.")
            .define(CONNECT_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    "Timeout to establish a connection to the registry.")
            .define(REQUEST_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                    "Timeout of one request, from sending it to receiving the response headers.");

    public SchemaRegistryConfig(Map<String, ?> originals) {
        super(DEFINITION, originals, false);
        if (getLong(RETRY_BACKOFF_MAX_MS) < getLong(RETRY_BACKOFF_MS)) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, getLong(RETRY_BACKOFF_MAX_MS),
                    "must be at least " + RETRY_BACKOFF_MS + " (" + getLong(RETRY_BACKOFF_MS) + ")");
        }
    }

    /** The Kafka {@link ConfigDef} of these keys, for documentation and validation tools. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    /** The registry base URLs, without a trailing slash. */
    public List<URI> urls() {
        List<URI> urls = new ArrayList<>();
        for (String entry : getList(SCHEMA_REGISTRY_URL)) {
            urls.add(URI.create(stripTrailingSlashes(entry.trim())));
        }
        return urls;
    }

    public Optional<Password> basicAuthUserInfo() {
        return Optional.ofNullable(getPassword(BASIC_AUTH_USER_INFO));
    }

    public Optional<String> string(String key) {
        return Optional.ofNullable(getString(key)).filter(value -> !value.isBlank());
    }

    public Optional<Password> password(String key) {
        return Optional.ofNullable(getPassword(key));
    }

    /** Every setting with secrets shown as {@code [hidden]}. */
    @Override
    public String toString() {
        return "SchemaRegistryConfig" + new TreeMap<>(values());
    }

    private static void validateUrls(String name, Object value) {
        if (!(value instanceof List<?> entries)) {
            return;
        }
        int position = 0;
        for (Object entry : entries) {
            position++;
            String text = String.valueOf(entry).trim();
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw invalidEntry(name, position, "is not a valid URL");
            }
            if (uri.getRawUserInfo() != null) {
                throw invalidEntry(name, position, "carries credentials; put them in " + BASIC_AUTH_USER_INFO);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw invalidEntry(name, position, "is not an http:// or https:// URL with a host");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw invalidEntry(name, position, "has a query or fragment; a registry base URL takes none");
            }
        }
    }

    // A URL may hold a password by mistake (user info, a query token): name the entry, never echo it.
    private static ConfigException invalidEntry(String name, int position, String problem) {
        return new ConfigException("Invalid value for configuration " + name + ": entry " + position + " " + problem);
    }

    private static void validateUserInfo(String name, Object value) {
        if (value instanceof Password password && password.value().indexOf(':') < 1) {
            throw new ConfigException("Invalid value [hidden] for configuration " + name
                    + ": expected 'user:password'");
        }
    }

    private static String stripTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
