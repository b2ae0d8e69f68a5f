package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `holdfast scan s3` up to the point where it would reach S3 or a cluster. */
class ScanCommandTest {

    @Test
    void isRegisteredWithHelp() {
        CliRun scan = CliRun.run("scan", "--help");
        assertEquals(0, scan.exit());
        assertTrue(scan.out().contains("s3"), scan.out());
        CliRun help = CliRun.run("scan", "s3", "--help");
        assertEquals(0, help.exit());
        for (String option : new String[] {"--config", "--set", "--once"}) {
            assertTrue(help.out().contains(option), option + " missing from:\n" + help.out());
        }
    }

    @Test
    void badUsageAndBadSettingsEndWithOneLine() {
        CliRun bogus = CliRun.run("scan", "s3", "--bogus");
        assertEquals(2, bogus.exit());
        bogus.assertOneLine("Unknown option: '--bogus'");

        CliRun pageSize = CliRun.run("scan", "s3", "--set", "holdfast.scan.page.size=5000");
        assertEquals(1, pageSize.exit());
        pageSize.assertOneLine("holdfast.scan.page.size");
    }

    @Test
    void configListShowsTheScannersKeys() {
        CliRun list = CliRun.run("config", "--list");
        assertEquals(0, list.exit());
        for (String key : new String[] {"holdfast.scan.page.size", "holdfast.scan.interval.ms", "holdfast.scan.pass.id.format"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }
}
