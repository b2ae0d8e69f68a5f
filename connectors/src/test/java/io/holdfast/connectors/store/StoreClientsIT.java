package io.holdfast.connectors.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStackExtension.class)
class StoreClientsIT {

    /** Two components of one process (the dev writer and the reconcile executor) each close only their own pool. */
    @Test
    void closingOneProcessesClientsLeavesAnotherOnTheSameDatabaseWorking(EmbeddedMariaDb db, EmbeddedS3 s3) throws Exception {
        try (EmbeddedStore store = new EmbeddedStore(db, s3, "it-clients-" + System.nanoTime() + "/")) {
            StoreClients other = StoreClients.open(store.config());
            try (Connection c = other.connection()) {
                assertEquals(1, selectOne(c));
            }
            other.close();
            try (Connection c = store.clients().connection()) {
                assertEquals(1, selectOne(c), "the first clients' pool survives the second's close");
            }
        }
    }

    private static int selectOne(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
            return r.getInt(1);
        }
    }
}
