package io.holdfast.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The checks a process makes before it writes to the store, so that a wrong bucket or an unreachable
 * database ends the command at once with one line saying which, instead of failing on the first write.
 * The messages name the bucket or URL, never a credential; the causes are not chained, so that the
 * line a user reads is this one.
 */
public final class StoreChecks {

    private StoreChecks() {}

    /** @throws IllegalStateException if {@code bucket} does not exist or cannot be reached */
    public static void requireBucket(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("S3 bucket '" + bucket + "' does not exist (" + StoreConfig.SNAPSHOTS_BUCKET + ")");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IllegalStateException("S3 bucket '" + bucket + "' does not exist (" + StoreConfig.SNAPSHOTS_BUCKET + ")");
            }
            throw new IllegalStateException("S3 bucket '" + bucket + "' cannot be used: HTTP " + e.statusCode() + " "
                    + firstLine(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()));
        } catch (SdkException e) {
            // No answer from S3 at all: unreachable endpoint, or no credentials to sign the request with.
            throw new IllegalStateException("S3 bucket '" + bucket + "' cannot be checked (" + StoreConfig.S3_ENDPOINT + ", "
                    + StoreConfig.S3_ACCESS_KEY_ID + "): " + firstLine(e.getMessage()));
        }
    }

    /**
     * Connects once and, when {@code createTables}, creates the revisions and heads tables if missing.
     *
     * @param url the configured URL, for the message only
     * @throws IllegalStateException if the database cannot be reached or the tables cannot be created
     */
    public static void requireDatabase(DataSource database, String url, boolean createTables) {
        try (Connection connection = database.getConnection()) {
            if (createTables) {
                EntityStoreSchema.ensure(connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database " + url + " cannot be used (" + StoreConfig.DB_URL + "): " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
