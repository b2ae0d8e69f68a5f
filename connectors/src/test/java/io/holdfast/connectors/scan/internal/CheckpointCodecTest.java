package io.holdfast.connectors.scan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

    @Test
    void roundTripsARunningAndAFinishedPass() {
        ScanCheckpoint first = new ScanCheckpoint("20261206T180000.000Z", 1_000L, null, 0, 0, 0, 0, null, null);
        assertEquals(first, CheckpointCodec.decode(CheckpointCodec.encode(first)));

        ScanCheckpoint.CompletedPass previous = new ScanCheckpoint.CompletedPass("p0", 10L, 20L);
        ScanCheckpoint running = new ScanCheckpoint("p1", 30L, "snapshots/e\"ü/7", 75, 74, 1, 3, null, previous);
        assertEquals(running, CheckpointCodec.decode(CheckpointCodec.encode(running)));

        ScanCheckpoint done = new ScanCheckpoint("p1", 30L, "snapshots/z/1", 201, 200, 1, 9, 90L,
                new ScanCheckpoint.CompletedPass("p1", 30L, 90L));
        assertEquals(done, CheckpointCodec.decode(CheckpointCodec.encode(done)));
        assertTrue(done.finished());
    }

    @Test
    void isReadableJson() {
        String json = new String(CheckpointCodec.encode(new ScanCheckpoint("p1", 30L, "k", 1, 1, 0, 1, null, null)), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"pass_id\":\"p1\"") && json.contains("\"last_key\":\"k\"") && json.contains("\"version\":1"), json);
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointCodec.decode("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> CheckpointCodec.decode("[]".getBytes(StandardCharsets.UTF_8)));
        String v2 = new String(CheckpointCodec.encode(new ScanCheckpoint("p", 1L, null, 0, 0, 0, 0, null, null)), StandardCharsets.UTF_8)
                .replace("\"version\":1", "\"version\":2");
        assertThrows(IllegalArgumentException.class, () -> CheckpointCodec.decode(v2.getBytes(StandardCharsets.UTF_8)));
        String noPages = new String(CheckpointCodec.encode(new ScanCheckpoint("p", 1L, null, 0, 0, 0, 0, null, null)), StandardCharsets.UTF_8)
                .replace("\"pages\":0,", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointCodec.decode(noPages.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("pages"), e.getMessage());
    }
}
