package io.holdfast.connectors.reconcile.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class TransientFailuresTest {

    @Test
    void lostConnectionsDeadlocksAndLockWaitsAreRetried() {
        assertTrue(TransientFailures.isTransient(new SQLTransientConnectionException("pool timeout")));
        assertTrue(TransientFailures.isTransient(new SQLNonTransientConnectionException("Socket fail to connect", "08000")),
                "MariaDB reports a refused connection as non-transient, with SQL state class 08");
        assertTrue(TransientFailures.isTransient(new SQLException("Deadlock found", "40001", 1213)));
        assertTrue(TransientFailures.isTransient(new SQLException("Lock wait timeout exceeded", "HY000", 1205)));
        assertTrue(TransientFailures.isTransient(new IllegalStateException("wrapped", new SQLTransientConnectionException("x"))));
    }

    @Test
    void s3TroubleAndThrottlingAreRetriedButRefusalsAreNot() {
        assertTrue(TransientFailures.isTransient(s3(503)));
        assertTrue(TransientFailures.isTransient(s3(500)));
        assertTrue(TransientFailures.isTransient(s3(429)));
        assertTrue(TransientFailures.isTransient(SdkClientException.create("Connection refused")));
        assertFalse(TransientFailures.isTransient(s3(403)));
        assertFalse(TransientFailures.isTransient(s3(404)));
    }

    @Test
    void badSqlIsNotRetried() {
        assertFalse(TransientFailures.isTransient(new SQLSyntaxErrorException("Table 'revisions' doesn't exist", "42S02", 1146)));
        assertFalse(TransientFailures.isTransient(new IllegalArgumentException("nothing to do with the store")));
    }

    private static S3Exception s3(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("HTTP " + status).build();
    }
}
