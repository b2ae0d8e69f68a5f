package io.holdfast.connectors.fleet;

import io.holdfast.schemas.FleetCommand;
import io.holdfast.schemas.FleetCommandType;
import io.holdfast.schemas.ReparentMode;
import java.time.Instant;
import java.util.Map;

/** Fleet commands as the recovery workflow would send them, for tests. */
final class FleetCommands {

    static final String KEYSPACE = "commerce";

    private FleetCommands() {}

    static FleetCommand.Builder base(String id, FleetCommandType type, String shard, long nowMillis, long deadlineMillis) {
        return FleetCommand.newBuilder()
                .setCommandId(id)
                .setType(type)
                .setKeyspace(KEYSPACE)
                .setShard(shard)
                .setEvidence(Map.of("problem", "test"))
                .setDecidedTime(Instant.ofEpochMilli(nowMillis))
                .setWorkflowId("wf-" + shard)
                .setAttempt(1)
                .setDeadlineTime(Instant.ofEpochMilli(deadlineMillis));
    }

    static FleetCommand reparent(String id, String shard, ReparentMode mode, String newPrimary, String expectedPrimary, long term,
                                 long nowMillis, long deadlineMillis) {
        return base(id, FleetCommandType.REPARENT, shard, nowMillis, deadlineMillis)
                .setReparentMode(mode)
                .setNewPrimary(newPrimary)
                .setExpectedPrimary(expectedPrimary)
                .setExpectedPrimaryTerm(term)
                .build();
    }

    static FleetCommand targeted(String id, FleetCommandType type, String shard, String tablet, long nowMillis, long deadlineMillis) {
        return base(id, type, shard, nowMillis, deadlineMillis).setTargetTabletAlias(tablet).build();
    }
}
