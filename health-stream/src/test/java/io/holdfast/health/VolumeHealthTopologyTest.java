package io.holdfast.health;

import static io.holdfast.schemas.VolumeHealthState.DEGRADED;
import static io.holdfast.schemas.VolumeHealthState.HEALTHY;
import static io.holdfast.schemas.VolumeHealthState.RECOVERING;
import static io.holdfast.schemas.VolumeHealthState.STALLED;
import static io.holdfast.schemas.VolumeHealthState.SUSPECT;
import static io.holdfast.schemas.VolumeHealthState.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.VolumeHealth;
import io.holdfast.schemas.VolumeHealthState;
import io.holdfast.schemas.VolumeMetric;
import io.holdfast.topology.testkit.TopologySnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Every rule and every transition of the health topology, and what it does with bad samples. */
class VolumeHealthTopologyTest {

    private static final String[] PEERS = {"vol-2", "vol-3", "vol-4"};

    /** Four volumes reporting steadily for two minutes: baselines learned, peers known. */
    private static HealthDriver warm(HealthDriver d) {
        d.steadyFor(120, "vol-1", "vol-2", "vol-3", "vol-4");
        return d;
    }

    private static List<String> changes(List<VolumeHealth> transitions) {
        return transitions.stream().map(h -> h.getPreviousState() + "->" + h.getState() + ":" + h.getRule()).toList();
    }

    /**
     * Found by HealthFuzzTest: a record without key was re-keyed by its own (null) key when it had no peer
     * group, and the repartition dropped it uncounted: a tombstone vanished, and a sample of a volume without
     * peer group was never judged.
     */
    @Test
    void recordsWithoutKeyAreKeyedByTheirValue() {
        try (HealthDriver d = new HealthDriver()) {
            d.rawMetrics.pipeInput(new TestRecord<byte[], byte[]>(null, null, Instant.ofEpochMilli(d.now)));
            assertEquals(1, d.counter("skipped_tombstone"), "a tombstone without key is counted");
            d.now += 1_000;
            d.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            d.metrics.pipeInput(new TestRecord<>(null, HealthDriver.steady("solo", d.now).setPeerGroup("").build(),
                    Instant.ofEpochMilli(d.now)));
            assertEquals(1, d.counter("judged"), "a sample without key nor peer group is judged in the volume's own group");
        }
    }

    @Test
    void firstSamplesMakeEachVolumeHealthy() {
        try (HealthDriver d = new HealthDriver()) {
            d.steadyFor(3, "vol-1", "vol-2");
            List<VolumeHealth> t = d.transitions();
            assertEquals(List.of("UNKNOWN->HEALTHY:telemetry_ok", "UNKNOWN->HEALTHY:telemetry_ok"), changes(t));
            assertEquals(6, d.counter("judged"));
        }
    }

    @Test
    void latencySloBreachSustainedIsDegradedThenRecovers() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(150_000.0), PEERS);
            d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(160_000.0), PEERS);
            List<VolumeHealth> t = d.transitionsOf("vol-1");
            assertEquals(List.of("HEALTHY->SUSPECT:latency_slo", "SUSPECT->DEGRADED:latency_slo"), changes(t));
            VolumeHealth degraded = t.get(1);
            assertEquals(degraded.getEventTime().minusSeconds(2), degraded.getSinceTime(), "since the first breaching sample's period");
            assertNotNull(degraded.getWindow());
            assertTrue(degraded.getWindow().getLatencyMaxUs() >= 150_000);

            d.tick(HealthDriver.steady("vol-1", 0), PEERS);
            assertEquals(List.of("DEGRADED->RECOVERING:recovering"), changes(d.transitionsOf("vol-1")));
            d.steadyFor(28, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(List.of(), d.transitionsOf("vol-1"), "hysteresis: not healthy before 30 s clean");
            d.steadyFor(1, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(List.of("RECOVERING->HEALTHY:recovered"), changes(d.transitionsOf("vol-1")));
        }
    }

    @Test
    void aSingleSlowSampleIsOnlySuspectAndClears() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(150_000.0), PEERS);
            d.steadyFor(9, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(List.of("HEALTHY->SUSPECT:latency_slo"), changes(d.transitionsOf("vol-1")));
            d.steadyFor(1, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(List.of("SUSPECT->HEALTHY:cleared"), changes(d.transitionsOf("vol-1")));
        }
    }

    @Test
    void baselineDeviationWithoutPeers() {
        try (HealthDriver d = new HealthDriver()) {
            d.steadyFor(120, "solo");
            d.transitions();
            d.tick(HealthDriver.steady("solo", 0).setLatencyUs(12_000.0));
            d.tick(HealthDriver.steady("solo", 0).setLatencyUs(12_500.0));
            List<VolumeHealth> t = d.transitionsOf("solo");
            assertEquals(List.of("HEALTHY->SUSPECT:baseline_deviation", "SUSPECT->DEGRADED:baseline_deviation"), changes(t));
            assertNotNull(t.get(1).getBaseline());
            assertTrue(t.get(1).getBaseline().getSampleCount() >= 60);
            assertEquals(null, t.get(1).getPeers(), "a volume alone has no peers");
        }
    }

    @Test
    void peerOutlierForAVolumeWithoutBaseline() {
        try (HealthDriver d = new HealthDriver()) {
            d.steadyFor(60, "vol-2", "vol-3", "vol-4");
            d.transitions();
            // A newly attached volume, far slower than its peers at the same throughput.
            d.tick(HealthDriver.steady("vol-new", 0).setLatencyUs(12_000.0), PEERS);
            d.tick(HealthDriver.steady("vol-new", 0).setLatencyUs(11_000.0), PEERS);
            d.tick(HealthDriver.steady("vol-new", 0).setLatencyUs(13_000.0), PEERS);
            List<VolumeHealth> t = d.transitionsOf("vol-new");
            assertEquals(List.of("UNKNOWN->SUSPECT:peer_outlier", "SUSPECT->DEGRADED:peer_outlier"), changes(t));
            assertEquals(3, t.get(1).getPeers().getPeerCount());
            assertTrue(t.get(1).getPeers().getPeerLatencyP50Us() < 2_000);
        }
    }

    @Test
    void stallIsStalledAndEndsInRecovery() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            for (int i = 0; i < 2; i++) {
                d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(null).setReadOps(0L).setReadBytes(0L)
                        .setQueueDepth(4.0 + i).setIdleRatio(0.0).setStalled(true), PEERS);
            }
            assertEquals(List.of("HEALTHY->SUSPECT:stall", "SUSPECT->STALLED:stall"), changes(d.transitionsOf("vol-1")));
            d.tick(HealthDriver.steady("vol-1", 0), PEERS);
            assertEquals(List.of("STALLED->RECOVERING:recovering"), changes(d.transitionsOf("vol-1")));
            d.steadyFor(29, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(List.of("RECOVERING->HEALTHY:recovered"), changes(d.transitionsOf("vol-1")));
        }
    }

    @Test
    void throughputCollapseWhileTheQueueGrows() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            for (int i = 0; i < 3; i++) {
                d.tick(HealthDriver.steady("vol-1", 0).setReadOps(20L).setReadBytes(20L * 16_384).setLatencyUs(1_800.0)
                        .setQueueDepth(3.0 + i).setIdleRatio(0.0), PEERS);
            }
            List<VolumeHealth> t = d.transitionsOf("vol-1");
            assertEquals(List.of("HEALTHY->SUSPECT:throughput_collapse", "SUSPECT->DEGRADED:throughput_collapse"), changes(t));
        }
    }

    @Test
    void failSlowAgainstPeersIsDegradedByPeerDeviation() {
        // Shorter windows than the defaults, so that the test runs minutes of samples rather than hours.
        try (HealthDriver d = warm(new HealthDriver(Map.of(HealthConfig.WINDOW_HALF_LIFE_MS, "120000",
                HealthConfig.FAILSLOW_SUSTAIN_MS, "60000")))) {
            d.transitions();
            for (int s = 0; s < 600; s++) {
                d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(2_100.0 + 300 * Math.sin(s)), PEERS);
            }
            List<VolumeHealth> t = d.transitionsOf("vol-1");
            assertEquals(List.of("HEALTHY->SUSPECT:peer_deviation", "SUSPECT->DEGRADED:peer_deviation"), changes(t));
            assertTrue(t.get(1).getPeers().getLatencyRatio() > 1.5, "evidence: " + t.get(1).getPeers());
            assertTrue(d.states().entrySet().stream().filter(e -> !e.getKey().equals("vol-1"))
                    .allMatch(e -> e.getValue() == HEALTHY), "peers stay healthy: " + d.states());
        }
    }

    @Test
    void aVolumeThatFallsSilentIsUnknownByStreamTimeThenHealthyAgain() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            d.steadyFor(4, PEERS);
            assertEquals(List.of(), d.transitionsOf("vol-1"), "3 s of silence is not yet a gap");
            d.steadyFor(2, PEERS);
            List<VolumeHealth> gap = d.transitionsOf("vol-1");
            assertEquals(List.of("HEALTHY->UNKNOWN:telemetry_gap"), changes(gap));
            d.tick(HealthDriver.steady("vol-1", 0), PEERS);
            assertEquals(List.of("UNKNOWN->HEALTHY:telemetry_ok"), changes(d.transitionsOf("vol-1")));
        }
    }

    @Test
    void volumesOfAnInputPartitionThatIsBehindAreNotSilentUntilThatPartitionStops() {
        try (HealthDriver d = new HealthDriver()) {
            // Straight into the classifier's re-keyed input, stamped as the re-keying step stamps it: vol-1..3 came
            // from input partition 0, vol-4..6 from partition 1, whose first samples arrive when partition 0 is
            // 20 s of event time ahead, and which stays that far behind.
            var byGroup = d.driver.createInputTopic("holdfast-health-" + VolumeHealthTopology.REPARTITION + "-repartition",
                    new org.apache.kafka.common.serialization.StringSerializer(), d.catalog.volumeMetrics.valueSerde().serializer());
            String[] ahead = {"vol-1", "vol-2", "vol-3"};
            String[] behind = {"vol-4", "vol-5", "vol-6"};
            long start = HealthDriver.START;
            for (int s = 0; s < 60; s++) {
                d.driver.advanceWallClockTime(Duration.ofSeconds(1)); // the wall-clock check runs too
                for (String v : ahead) {
                    byGroup.pipeInput(stamped(HealthDriver.steady(v, start + s * 1_000L).build(), 0));
                }
                if (s >= 20) {
                    for (String v : behind) {
                        byGroup.pipeInput(stamped(HealthDriver.steady(v, start + (s - 20) * 1_000L).build(), 1));
                    }
                }
            }
            Map<String, VolumeHealthState> states = d.states();
            assertTrue(d.seen.stream().noneMatch(h -> h.getState() == UNKNOWN),
                    "a partition behind is not silence: " + changes(d.seen));
            for (String v : behind) {
                assertEquals(HEALTHY, states.get(v), v);
            }
            // Partition 1 stops altogether while partition 0 goes on: after the live window its volumes are silent.
            for (int s = 60; s < 95; s++) {
                d.driver.advanceWallClockTime(Duration.ofSeconds(1));
                for (String v : ahead) {
                    byGroup.pipeInput(stamped(HealthDriver.steady(v, start + s * 1_000L).build(), 0));
                }
            }
            states = d.states();
            for (String v : behind) {
                assertEquals(UNKNOWN, states.get(v), v + ": " + changes(d.seen));
            }
            for (String v : ahead) {
                assertEquals(HEALTHY, states.get(v), v);
            }
        }
    }

    private static TestRecord<String, VolumeMetric> stamped(VolumeMetric metric, int sourcePartition) {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(io.holdfast.health.internal.PeerGroupKeyer.SOURCE_PARTITION,
                java.nio.ByteBuffer.allocate(4).putInt(sourcePartition).array());
        return new TestRecord<>(HealthDriver.GROUP, metric, headers, metric.getEventTime());
    }

    @Test
    void samplesThatWereOnlyDelayedBringTheVolumeBackWithoutGoingBackInEventTime() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            // The app falls behind (a pause, a rebalance): on the wall clock everything looks silent.
            d.driver.advanceWallClockTime(Duration.ofSeconds(10));
            List<VolumeHealth> gap = d.transitionsOf("vol-1");
            assertEquals(List.of("HEALTHY->UNKNOWN:telemetry_gap"), changes(gap));
            // Then the delayed samples arrive, dated before the gap's deadline.
            d.steadyFor(1, PEERS);
            d.steadyFor(1, "vol-1");
            List<VolumeHealth> back = d.transitionsOf("vol-1");
            assertEquals(List.of("UNKNOWN->HEALTHY:telemetry_ok"), changes(back));
            assertFalse(back.get(0).getEventTime().isBefore(gap.get(0).getEventTime()),
                    "a volume's transitions never go back in event time: " + gap.get(0).getEventTime() + " then "
                            + back.get(0).getEventTime());
        }
    }

    @Test
    void anAppWorkingThroughABacklogDoesNotTakeAPauseForSilence() {
        try (HealthDriver d = new HealthDriver()) {
            // Restarted after an hour away: the samples it reads are an hour old, and it reads them faster
            // than they were written, with pauses (fetches, commits, collections) longer than the gap timeout.
            d.driver.advanceWallClockTime(Duration.ofHours(1));
            for (int round = 0; round < 6; round++) {
                for (int s = 0; s < 20; s++) {
                    d.now += 1_000;
                    for (String v : new String[] {"vol-1", "vol-2", "vol-3", "vol-4"}) {
                        d.send(HealthDriver.steady(v, d.now).build());
                    }
                }
                d.driver.advanceWallClockTime(Duration.ofSeconds(10));
            }
            assertEquals(List.of(), changes(d.transitions().stream().filter(h -> h.getState() == UNKNOWN).toList()),
                    "a pause behind the input is not silence");
            // Then the input ends for good, still an hour behind: after the live window everything is silent.
            d.driver.advanceWallClockTime(Duration.ofSeconds(30));
            assertEquals(Map.of("vol-1", UNKNOWN, "vol-2", UNKNOWN, "vol-3", UNKNOWN, "vol-4", UNKNOWN), d.states());
        }
    }

    @Test
    void aDegradedVolumeThatFallsSilentIsUnknownNotMoreDegraded() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(150_000.0), PEERS);
            d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(150_000.0), PEERS);
            assertEquals(DEGRADED, d.states().get("vol-1"));
            // Everything falls silent: only the wall clock moves.
            d.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertEquals(List.of("DEGRADED->UNKNOWN:telemetry_gap"), changes(d.transitionsOf("vol-1")));
            assertEquals(Map.of("vol-1", UNKNOWN, "vol-2", UNKNOWN, "vol-3", UNKNOWN, "vol-4", UNKNOWN), d.states());
        }
    }

    @Test
    void samplesWithoutValuesAreCountedAndChangeNoState() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            for (int i = 0; i < 10; i++) {
                d.tick(HealthDriver.steady("vol-1", 0).setLatencyUs(null).setReadOps(null).setReadBytes(null)
                        .setWriteOps(null).setWriteBytes(null).setQueueDepth(null).setIdleRatio(null), PEERS);
            }
            assertEquals(List.of(), d.transitions(), "NA samples change nothing and do not count as a gap");
            assertEquals(10, d.counter("skipped_no_evidence"));
        }
    }

    @Test
    void lateAndDuplicateSamplesAreSkippedAndCounted() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            byte[] before = d.storedState("vol-1");
            d.send(HealthDriver.steady("vol-1", d.now).setLatencyUs(150_000.0).build());      // duplicate time
            d.send(HealthDriver.steady("vol-1", d.now - 5_000).setLatencyUs(150_000.0).build()); // late
            assertEquals(List.of(), d.transitions());
            assertArrayEquals(before, d.storedState("vol-1"), "state untouched");
            assertEquals(1, d.counter("skipped_duplicate"));
            assertEquals(1, d.counter("skipped_out_of_order"));
        }
    }

    @Test
    void invalidSamplesGoToTheDeadLetterTopicWithTheReasonAndChangeNoState() {
        try (HealthDriver d = warm(new HealthDriver())) {
            d.transitions();
            byte[] before = d.storedState("vol-1");
            long t = d.now + 1_000;
            List<VolumeMetric> bad = List.of(
                    HealthDriver.steady("vol-1", t).setLatencyUs(Double.NaN).build(),
                    HealthDriver.steady("vol-1", t).setLatencyUs(Double.POSITIVE_INFINITY).build(),
                    HealthDriver.steady("vol-1", t).setReadOps(-5L).build(),
                    HealthDriver.steady("vol-1", t).setIdleRatio(7.0).build(),
                    HealthDriver.steady("vol-1", t).setSamplePeriodMs(0).build(),
                    HealthDriver.steady("vol-1", t).setSamplePeriodMs(3_600_000).build(),
                    HealthDriver.steady("vol-1", HealthDriver.START + Duration.ofDays(30).toMillis()).build(), // future
                    HealthDriver.steady("vol-1", 1_700_000).build()); // 1970: seconds given as milliseconds
            for (VolumeMetric m : bad) {
                d.send(m);
            }
            // Bytes that are not a VolumeMetric at all: a foreign fingerprint, random bytes, JSON.
            d.rawMetrics.pipeInput(new TestRecord<>("vol-1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x41}, Instant.ofEpochMilli(t)));
            d.rawMetrics.pipeInput(new TestRecord<>("vol-1".getBytes(StandardCharsets.UTF_8),
                    "{\"volume_id\":\"vol-1\"}".getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(t)));

            assertEquals(List.of(), d.transitions(), "no transition from bad input");
            assertArrayEquals(before, d.storedState("vol-1"), "no state change from bad input");
            // The app keeps going: the next good sample is judged as usual.
            d.steadyFor(1, "vol-1", "vol-2", "vol-3", "vol-4");
            assertEquals(Map.of("vol-1", HEALTHY, "vol-2", HEALTHY, "vol-3", HEALTHY, "vol-4", HEALTHY), d.states());

            // Samples that are not VolumeMetrics fail in deserialization: the handler takes them (counted
            // below). Under exactly-once, the test driver never commits the transaction that holds their
            // dead letters (no record was queued), so only the processing dead letters are read here; the
            // deserialization dead letter is read back from the real broker in topology's StreamsRuntimeIT.
            List<TestRecord<byte[], byte[]>> dead = d.deadLetterTopic.readRecordsToList();
            assertEquals(bad.size(), dead.size());
            for (TestRecord<byte[], byte[]> r : dead) {
                Header message = r.headers().lastHeader(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME);
                Header topic = r.headers().lastHeader(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME);
                assertNotNull(message, "reason header");
                assertNotNull(topic, "source topic header");
            }
            assertEquals(4, d.counter("invalid_bad_value"));
            assertEquals(2, d.counter("invalid_bad_period"));
            assertEquals(1, d.counter("invalid_future"));
            assertEquals(1, d.counter("invalid_too_old"));
            assertTrue(d.deadLetters.count("deserialization", d.catalog.volumeMetrics.name()) == 2);

        }
    }

    @Test
    void topologyMatchesItsSnapshot() {
        try (HealthDriver d = new HealthDriver()) {
            TopologySnapshot.assertMatches(d.topology, Path.of("src/test/resources/topology/health-app.txt"));
        }
    }

    @SuppressWarnings("unused")
    private static VolumeHealthState[] all() {
        return new VolumeHealthState[] {HEALTHY, SUSPECT, DEGRADED, STALLED, RECOVERING, UNKNOWN};
    }
}
