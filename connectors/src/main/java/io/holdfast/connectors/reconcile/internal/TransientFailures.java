package io.holdfast.connectors.reconcile.internal;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Which failures of the store are worth a retry: those that say nothing about the command itself.
 * A refusal that would come again (bad SQL, access denied, a missing object) is not.
 */
public final class TransientFailures {

    /** MariaDB/MySQL error codes of a lock wait timeout and a deadlock: the statement may be run again. */
    private static final Set<Integer> RETRYABLE_MYSQL_ERRORS = Set.of(1205, 1213);

    private TransientFailures() {}

    /** True when {@code failure}, or something it was caused by, is transient. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && isTransientSql(sql)) {
                return true;
            }
            if (t instanceof AwsServiceException service) {
                // The service answered: only its own trouble (5xx) or a request to slow down is worth another try.
                return service.statusCode() >= 500 || service.statusCode() == 429 || service.isThrottlingException();
            }
            if (t instanceof SdkClientException) {
                // No answer at all (connection refused or reset, timeout): the request may well work next time.
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientSql(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        // Class 08: connection exceptions (MariaDB Connector/J reports a lost or refused connection so).
        // 40001: serialization failure / deadlock.
        return state != null && (state.startsWith("08") || state.equals("40001")) || RETRYABLE_MYSQL_ERRORS.contains(e.getErrorCode());
    }
}
