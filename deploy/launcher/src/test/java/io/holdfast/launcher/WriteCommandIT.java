package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `holdfast write` against the embedded MariaDB and S3: the ledger is the ground truth, and a missing bucket is one line. */
@ExtendWith(EmbeddedStackExtension.class)
class WriteCommandIT {

    @Test
    void writesWithInjectedStopsAndLedgersEachOne(EmbeddedMariaDb db, EmbeddedS3 s3, @TempDir Path dir) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        Path ledger = dir.resolve("ledger.jsonl");
        List<String> args = new ArrayList<>(List.of("write"));
        args.addAll(store(db, s3, EmbeddedStackExtension.TEST_BUCKET, "it-write-" + run + "/"));
        args.addAll(List.of("--entities", "2", "--revisions", "3", "--rate", "50", "--threads", "2", "--seed", "5",
                "--fail-after-s3", "0.3", "--fail-after-row", "0.3", "--fail-after-head", "0.3", "--ledger", ledger.toString(),
                "--entity-prefix", "cli" + run + "-"));
        CliRun write = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, write.exit(), write.err());
        assertTrue(write.out().contains("holdfast write: done: 6/6 writes"), write.out());
        assertFalse(write.out().contains(db.password()), "no secret printed");
        List<String> lines = Files.readAllLines(ledger);
        assertEquals(6, lines.size(), lines.toString());
        assertTrue(lines.stream().allMatch(l -> l.matches("\\{\"entity\":\"cli" + run + "-00000[12]\",\"revision\":\\d+,"
                + "\"content_hash\":\"sha256:[0-9a-f]{64}\",\"stopped_after\":\"(none|s3|row|head)\"}")), lines.toString());
    }

    @Test
    void aMissingBucketIsOneLine(EmbeddedMariaDb db, EmbeddedS3 s3) {
        List<String> args = new ArrayList<>(List.of("write"));
        args.addAll(store(db, s3, "no-such-bucket", "x/"));
        args.addAll(List.of("--entities", "1", "--revisions", "1", "--rate", "10"));
        CliRun write = CliRun.run(args.toArray(String[]::new));
        assertEquals(1, write.exit());
        write.assertOneLine("S3 bucket 'no-such-bucket' does not exist");
    }

    @Test
    void anUnreachableDatabaseIsOneLine(EmbeddedMariaDb db, EmbeddedS3 s3) {
        List<String> args = new ArrayList<>(List.of("write"));
        args.addAll(store(db, s3, EmbeddedStackExtension.TEST_BUCKET, "x/"));
        // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
        args.addAll(List.of("--set", "holdfast.db.url=jdbc:mariadb://127.0.0.1:9/holdfast?sslMode=disable&connectTimeout=2000",
                "--entities", "1", "--revisions", "1", "--rate", "10"));
        CliRun write = CliRun.run(args.toArray(String[]::new));
        assertEquals(1, write.exit());
        write.assertOneLine("database jdbc:mariadb://127.0.0.1:9/holdfast");
        assertFalse(write.err().contains(db.password()), "no secret printed");
    }

    private static List<String> store(EmbeddedMariaDb db, EmbeddedS3 s3, String bucket, String prefix) {
        return List.of("--set", "holdfast.db.url=" + db.jdbcUrl(), "--set", "holdfast.db.user=" + db.user(),
                "--set", "holdfast.db.password=" + db.password(), "--set", "holdfast.s3.endpoint=" + s3.endpoint(),
                "--set", "holdfast.s3.region=" + EmbeddedS3.REGION, "--set", "holdfast.s3.path.style=true",
                "--set", "holdfast.s3.access.key.id=" + EmbeddedS3.ACCESS_KEY, "--set", "holdfast.s3.secret.access.key=" + EmbeddedS3.SECRET_KEY,
                "--set", "holdfast.snapshots.bucket=" + bucket, "--set", "holdfast.snapshots.prefix=" + prefix);
    }
}
