package io.holdfast.schemas.serde.internal;

import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_KEYSTORE_LOCATION;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_KEYSTORE_PASSWORD;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_KEYSTORE_TYPE;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_KEY_PASSWORD;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_PROTOCOL;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD;
import static io.holdfast.schemas.serde.SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE;

import io.holdfast.schemas.serde.SchemaRegistryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Builds the client's {@link SSLContext} from the {@code schema.registry.ssl.*} keys. */
final class RegistrySsl {

    private RegistrySsl() {
    }

    /** Empty when no trust or key store is configured: the JDK defaults then apply to https URLs. */
    static Optional<SSLContext> contextFor(SchemaRegistryConfig config) {
        Optional<String> truststore = config.string(SSL_TRUSTSTORE_LOCATION);
        Optional<String> keystore = config.string(SSL_KEYSTORE_LOCATION);
        if (truststore.isEmpty() && keystore.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(truststore.isPresent()
                    ? load(SSL_TRUSTSTORE_LOCATION, truststore.get(), config.getString(SSL_TRUSTSTORE_TYPE),
                            config.password(SSL_TRUSTSTORE_PASSWORD))
                    : null);
            KeyManager[] keyManagers = null;
            if (keystore.isPresent()) {
                Optional<Password> storePassword = config.password(SSL_KEYSTORE_PASSWORD);
                KeyStore keys = load(SSL_KEYSTORE_LOCATION, keystore.get(), config.getString(SSL_KEYSTORE_TYPE),
                        storePassword);
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keys, chars(config.password(SSL_KEY_PASSWORD).or(() -> storePassword)));
                keyManagers = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance(config.getString(SSL_PROTOCOL));
            context.init(keyManagers, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            // Messages of the JDK's security exceptions name algorithms and aliases, never passwords.
            throw new ConfigException("Cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, String type, Optional<Password> password)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
            return store;
        } catch (IOException e) {
            throw new ConfigException("Cannot load " + key + " '" + location + "' (type " + type + "): "
                    + e.getMessage());
        }
    }

    private static char[] chars(Optional<Password> password) {
        return password.map(p -> p.value().toCharArray()).orElse(null);
    }
}
