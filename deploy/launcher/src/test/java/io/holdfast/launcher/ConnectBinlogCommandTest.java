package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** `holdfast connect binlog` up to the point where it would reach a database or a cluster. */
class ConnectBinlogCommandTest {

    @Test
    void isRegisteredUnderConnectWithHelp() {
        assertTrue(CliRun.run("--help").out().contains("connect"));
        CliRun connect = CliRun.run("connect", "--help");
        assertEquals(0, connect.exit());
        assertTrue(connect.out().contains("binlog"), connect.out());
        CliRun help = CliRun.run("connect", "binlog", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--config") && help.out().contains("--snapshot") && help.out().contains("--set"), help.out());
    }

    @Test
    void aBadFlagIsOneLine() {
        CliRun bogus = CliRun.run("connect", "binlog", "--bogus");
        assertEquals(2, bogus.exit());
        bogus.assertOneLine("Unknown option: '--bogus'");
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndExit1() throws IOException {
        int closed = closedPort();
        CliRun run = CliRun.run("connect", "binlog",
                "--set", "holdfast.db.url=jdbc:mariadb://127.0.0.1:" + closed + "/holdfast?sslMode=disable",
                "--set", "bootstrap.servers=127.0.0.1:9",
                "--set", "holdfast.binlog.connect.timeout.ms=2000",
                // A Debezium property passed through is not an unknown holdfast key.
                "--set", "holdfast.binlog.debezium.snapshot.fetch.size=100");
        assertEquals(1, run.exit(), run.err());
        run.assertOneLine("cannot reach the database at 127.0.0.1:" + closed + " (holdfast.db.url)");
    }

    @Test
    void settingsAreCheckedBeforeAnythingIsContacted() {
        CliRun noCluster = CliRun.run("connect", "binlog");
        assertEquals(1, noCluster.exit());
        noCluster.assertOneLine("No bootstrap.servers");

        CliRun otherDatabase = CliRun.run("connect", "binlog", "--set", "bootstrap.servers=127.0.0.1:9",
                "--set", "holdfast.db.url=jdbc:mariadb://127.0.0.1:3306/elsewhere");
        assertEquals(1, otherDatabase.exit());
        otherDatabase.assertOneLine("names database 'elsewhere' but holdfast.cdc.database is 'holdfast'");

        CliRun typo = CliRun.run("connect", "binlog", "--set", "bootstrap.servers=127.0.0.1:9", "--set", "holdfast.binlog.chunk=5");
        assertEquals(1, typo.exit());
        typo.assertOneLine("Unknown configuration holdfast.binlog.chunk");

        CliRun listed = CliRun.run("config", "--list");
        assertTrue(listed.out().contains("holdfast.binlog.snapshot.chunk.size ("), listed.out());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
