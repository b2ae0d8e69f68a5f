package io.holdfast.connectors.store;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** The S3 client and the pooled database connections of a process, built from {@link StoreConfig}. */
public final class StoreClients implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final S3Client s3;
    private final MariaDbPoolDataSource pool;

    private StoreClients(S3Client s3, MariaDbPoolDataSource pool) {
        this.s3 = s3;
        this.pool = pool;
    }

    /** Opens both; nothing is contacted until first use. */
    public static StoreClients open(StoreConfig config) {
        return new StoreClients(s3(config), pool(config));
    }

    public static S3Client s3(StoreConfig config) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.getString(StoreConfig.S3_REGION)))
                .forcePathStyle(config.getBoolean(StoreConfig.S3_PATH_STYLE))
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(config.getInt(StoreConfig.S3_MAX_CONCURRENCY))
                        .connectionTimeout(Duration.ofSeconds(5)));
        String endpoint = config.getString(StoreConfig.S3_ENDPOINT);
        if (!endpoint.isEmpty()) {
            b.endpointOverride(URI.create(endpoint));
        }
        b.credentialsProvider(s3Credentials(config));
        return b.build();
    }

    /**
     * Explicit keys when both are configured ({@link StoreConfig} refuses one alone), else the SDK's default chain,
     * so that a role (EKS IRSA, ECS task role, instance profile) or the usual AWS_* variables work without
     * holdfast settings.
     */
    public static AwsCredentialsProvider s3Credentials(StoreConfig config) {
        String keyId = config.getString(StoreConfig.S3_ACCESS_KEY_ID);
        if (!keyId.isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId,
                    config.getPassword(StoreConfig.S3_SECRET_ACCESS_KEY).value()));
        }
        return new DefaultChain(DefaultCredentialsProvider.builder().build());
    }

    /**
     * The default chain with a failure that says where holdfast looked: the SDK's own message lists the
     * providers' class names, not the settings an operator can change.
     */
    static final class DefaultChain implements AwsCredentialsProvider {

        private final DefaultCredentialsProvider chain;

        DefaultChain(DefaultCredentialsProvider chain) {
            this.chain = chain;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return chain.resolveCredentials();
            } catch (SdkClientException e) {
                throw SdkClientException.create("no S3 credentials: " + StoreConfig.S3_ACCESS_KEY_ID + " and "
                        + StoreConfig.S3_SECRET_ACCESS_KEY + " are not set and the AWS default chain found none "
                        + "(aws.accessKeyId/aws.secretAccessKey, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity, "
                        + "profile, container or instance role)", e);
            }
        }

        DefaultCredentialsProvider chain() {
            return chain;
        }

        @Override
        public String toString() {
            return "holdfast default chain (" + chain + ")";
        }
    }

    /**
     * MariaDB Connector/J's own pool. The URL's options are kept; TLS ({@link DbTls}), user, password and pool size are added
     * as connection options (never logged: the pool is built from them, the URL printed is the configured one).
     */
    public static MariaDbPoolDataSource pool(StoreConfig config) {
        String url = config.getString(StoreConfig.DB_URL);
        String withTls = config.dbTls().withJdbcOptions(url);
        String sep = withTls.contains("?") ? "&" : "?";
        // A pool name of its own: Connector/J shares one pool among data sources of the same configuration, and
        // closing any of them closed it under the others (the reconcile executor lost its connections when a
        // writer in the same process closed its clients).
        String full = withTls + sep + "maxPoolSize=" + config.getInt(StoreConfig.DB_POOL_SIZE) + "&poolName=holdfast-"
                + POOLS.incrementAndGet();
        try {
            // Credentials first: setting the URL opens the pool at once, and each later setter re-opens it (with
            // the URL first, the pool's first connections were refused, user and password not yet given).
            MariaDbPoolDataSource ds = new MariaDbPoolDataSource();
            ds.setUser(config.getString(StoreConfig.DB_USER));
            ds.setPassword(config.dbPassword().value());
            ds.setUrl(full);
            return ds;
        } catch (SQLException e) {
            throw new IllegalArgumentException("bad " + StoreConfig.DB_URL + " '" + url + "': " + e.getMessage(), e);
        }
    }

    public S3Client s3() {
        return s3;
    }

    public DataSource database() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        s3.close();
        pool.close();
    }
}
