package io.holdfast.connectors.store;

import io.holdfast.topology.config.HoldfastConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Where the entity store lives: the metadata database (Vitess or MySQL/MariaDB, over JDBC) and the
 * snapshot bucket (S3 or an S3-compatible server). Shared by the revision writer, the reconcile executor,
 * the S3 scanner and the binlog source. Secrets are {@code PASSWORD} keys: masked in every dump.
 */
public final class StoreConfig extends HoldfastConfig {

    public static final String DB_URL = "holdfast.db.url";
    public static final String DB_USER = "holdfast.db.user";
    public static final String DB_PASSWORD = "holdfast.db.password";
    public static final String DB_POOL_SIZE = "holdfast.db.pool.size";
    public static final String DB_SSL_MODE = "holdfast.db.ssl.mode";
    public static final String DB_SSL_CA = "holdfast.db.ssl.ca";
    public static final String S3_ENDPOINT = "holdfast.s3.endpoint";
    public static final String S3_REGION = "holdfast.s3.region";
    public static final String S3_PATH_STYLE = "holdfast.s3.path.style";
    public static final String S3_ACCESS_KEY_ID = "holdfast.s3.access.key.id";
    public static final String S3_SECRET_ACCESS_KEY = "holdfast.s3.secret.access.key";
    public static final String S3_MAX_CONCURRENCY = "holdfast.s3.max.concurrency";

    private static final ConfigDef DEFINITION = define(HoldfastConfig.baseDefinition());

    public StoreConfig(Map<?, ?> props) {
        super(DEFINITION, props);
        checkCombinations(this);
    }

    private StoreConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
        checkCombinations(this);
    }

    /**
     * Settings that are valid one by one but not together; each is a one-line {@link ConfigException}.
     * Any config carrying the store's keys (the binlog source's too) calls this after construction.
     */
    public static void checkCombinations(AbstractConfig config) {
        boolean keyId = !config.getString(S3_ACCESS_KEY_ID).isEmpty();
        boolean secret = !config.getPassword(S3_SECRET_ACCESS_KEY).value().isEmpty();
        if (keyId != secret) {
            // One key alone is a half-finished edit: falling back to the default chain would pick up other
            // credentials (an instance role) silently.
            throw new ConfigException("Give both " + S3_ACCESS_KEY_ID + " and " + S3_SECRET_ACCESS_KEY
                    + " (explicit keys) or neither (the AWS default credentials chain); only "
                    + (keyId ? S3_ACCESS_KEY_ID : S3_SECRET_ACCESS_KEY) + " is set");
        }
        DbTls.of(config);
    }

    /** The store settings out of {@code props} already validated against every component's keys. */
    public static StoreConfig ofValidated(Map<?, ?> props) {
        return new StoreConfig(props, false);
    }

    public static ConfigDef define(ConfigDef d) {
        return d
                .define(DB_URL, Type.STRING, "jdbc:mariadb://127.0.0.1:3306/holdfast", new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "JDBC URL of the metadata database (Vitess speaks MySQL: vtgate's address). "
                                + "The database name in the URL is the one holding the revisions and heads tables.")
                .define(DB_USER, Type.STRING, "holdfast", Importance.HIGH, "Database user.")
                .define(DB_PASSWORD, Type.PASSWORD, "", Importance.HIGH,
                        "Database password. Give it through HOLDFAST_DB_PASSWORD or a file readable only by holdfast.")
                .define(DB_POOL_SIZE, Type.INT, 8, Range.between(1, 256), Importance.MEDIUM,
                        "Most database connections one process keeps open (a pool).")
                .define(DB_SSL_MODE, Type.STRING, DbTls.Mode.DISABLE.setting(), DbTls.Mode.validator(), Importance.HIGH,
                        "TLS to the database, for every connection (the pools, the binlog source's checks and Debezium): "
                                + "disable (plain TCP); trust (encrypted, server certificate not checked); verify-ca "
                                + "(encrypted, certificate signed by " + DB_SSL_CA + " or the JVM's trusted CAs); "
                                + "verify-full (verify-ca and the host name must match the certificate). Give TLS here, "
                                + "not as options of " + DB_URL + ".")
                .define(DB_SSL_CA, Type.STRING, "", Importance.MEDIUM,
                        "PEM file of the CA certificate(s) that signed the database's certificate, for verify-ca and "
                                + "verify-full; empty uses the JVM's trusted CAs.")
                .define(S3_ENDPOINT, Type.STRING, "", Importance.HIGH,
                        "S3 endpoint URL for an S3-compatible server (e.g. http://127.0.0.1:9090); empty for AWS S3.")
                .define(S3_REGION, Type.STRING, "us-east-1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "AWS region of the bucket.")
                .define(S3_PATH_STYLE, Type.BOOLEAN, false, Importance.LOW,
                        "Path-style addressing (http://host/bucket/key), needed by most S3-compatible servers.")
                .define(S3_ACCESS_KEY_ID, Type.STRING, "", Importance.MEDIUM,
                        "Access key id, with " + S3_SECRET_ACCESS_KEY + "; both empty use the AWS SDK's default "
                                + "credentials chain (aws.accessKeyId/aws.secretAccessKey system properties, "
                                + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity (EKS IRSA), the profile "
                                + "(AWS_PROFILE), the container's or the instance's role).")
                .define(S3_SECRET_ACCESS_KEY, Type.PASSWORD, "", Importance.MEDIUM,
                        "Secret access key, with " + S3_ACCESS_KEY_ID + ". Give it through HOLDFAST_S3_SECRET_ACCESS_KEY "
                                + "or a config provider (${file:...} / ${env:...}), not in the file.")
                .define(S3_MAX_CONCURRENCY, Type.INT, 16, Range.between(1, 512), Importance.MEDIUM,
                        "Most S3 requests one process has in flight.");
    }

    public String bucket() {
        return getString(SNAPSHOTS_BUCKET);
    }

    public String prefix() {
        return getString(SNAPSHOTS_PREFIX);
    }

    public Password dbPassword() {
        return getPassword(DB_PASSWORD);
    }

    /** TLS to the database, as configured. */
    public DbTls dbTls() {
        return DbTls.of(this);
    }
}
