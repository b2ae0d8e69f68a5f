package io.holdfast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedMariaDbIT {

    private static final Pattern GTID = Pattern.compile("GTID (\\d+-\\d+-\\d+)");

    @Test
    void committedWriteAppearsInTheBinlogWithAGtid(EmbeddedMariaDb db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS binlog_probe (id BIGINT PRIMARY KEY, note VARCHAR(64))");
            String binlogFile;
            long startPos;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertTrue(rs.next(), "binary logging is off");
                binlogFile = rs.getString("File");
                startPos = rs.getLong("Position");
            }
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO binlog_probe VALUES (" + System.nanoTime() + ", 'gtid-probe')");
            c.commit();
            c.setAutoCommit(true);

            List<String> gtids = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + binlogFile + "' FROM " + startPos)) {
                while (rs.next()) {
                    types.add(rs.getString("Event_type"));
                    Matcher m = GTID.matcher(rs.getString("Info"));
                    if ("Gtid".equals(rs.getString("Event_type")) && m.find()) {
                        gtids.add(m.group(1));
                    }
                }
            }
            assertFalse(gtids.isEmpty(), "no GTID event after the commit; events: " + types);
            assertTrue(types.contains("Write_rows_v1") || types.contains("Write_rows"), "no row event (binlog_format not ROW?): " + types);
            try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos, @@binlog_format, @@binlog_row_image")) {
                rs.next();
                assertEquals(gtids.get(gtids.size() - 1), rs.getString(1));
                assertEquals("ROW", rs.getString(2));
                assertEquals("FULL", rs.getString(3));
            }
        }
    }

    @Test
    void listensOnLoopbackOnly(EmbeddedMariaDb db) throws Exception {
        List<String> listening = ListeningSockets.addressesListeningOn(db.port());
        assertFalse(listening.isEmpty());
        assertTrue(listening.stream().allMatch(ListeningSockets::isLoopback), "MariaDB listens beyond loopback: " + listening);
    }
}
