package io.holdfast.connectors.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteLedgerTest {

    @Test
    void oneJsonLinePerWriteAppended(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        try (WriteLedger ledger = WriteLedger.appendingTo(file)) {
            ledger.record(new WriteResult("entity-000001", 3, "sha256:ab", StoppedAfter.ROW, 1));
        }
        try (WriteLedger ledger = WriteLedger.appendingTo(file)) {
            ledger.record(new WriteResult("entity-000002", 1, "sha256:cd", StoppedAfter.NONE, 0));
        }
        assertEquals(List.of(
                "{\"entity\":\"entity-000001\",\"revision\":3,\"content_hash\":\"sha256:ab\",\"stopped_after\":\"row\"}",
                "{\"entity\":\"entity-000002\",\"revision\":1,\"content_hash\":\"sha256:cd\",\"stopped_after\":\"none\"}"),
                Files.readAllLines(file));
    }
}
