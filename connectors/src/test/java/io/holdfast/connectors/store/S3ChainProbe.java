package io.holdfast.connectors.store;

import io.holdfast.topology.config.HoldfastConfig;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Run by {@link S3CredentialsChainIT} as a process of its own, whose environment and system properties the
 * test sets: configured without S3 keys, it puts and gets one object through {@link StoreClients#s3} and
 * prints the access key id the credentials provider resolved (never the secret).
 * Arguments: endpoint, bucket, key.
 */
public final class S3ChainProbe {

    private S3ChainProbe() {}

    public static void main(String[] args) {
        StoreConfig config = new StoreConfig(Map.of(StoreConfig.S3_ENDPOINT, args[0], StoreConfig.S3_PATH_STYLE, "true",
                HoldfastConfig.SNAPSHOTS_BUCKET, args[1]));
        try (S3Client s3 = StoreClients.s3(config)) {
            String body = "probe " + args[2];
            s3.putObject(b -> b.bucket(args[1]).key(args[2]), RequestBody.fromString(body));
            String read = s3.getObject(b -> b.bucket(args[1]).key(args[2]), ResponseTransformer.toBytes()).asUtf8String();
            System.out.println("access key id: " + StoreClients.s3Credentials(config).resolveCredentials().accessKeyId());
            System.out.println("read back: " + read);
        } catch (RuntimeException e) {
            System.err.println("probe failed: " + e.getMessage());
            System.exit(2);
        }
    }
}
