package io.holdfast.reconciler.entity;

import io.holdfast.schemas.GtidPosition;

/**
 * What an entity's evaluation depends on besides the entity itself, read from the global stores at
 * the moment of the decision.
 *
 * @param copyDone both tables are past their initial copy (else nothing may be judged missing from Vitess)
 * @param paused an operator paused the reconciler for this entity (no repairs; alerts are still raised)
 * @param dryRun repairs are decided and audited but not emitted
 * @param lastCompletedScanStart start time of the latest S3 scan pass that listed every object, or -1
 * @param position the binlog position the reconciler had read when deciding (audited with the decision); may be null
 */
public record Conditions(boolean copyDone, boolean paused, boolean dryRun, long lastCompletedScanStart,
                         GtidPosition position) {

    public static final Conditions OPEN = new Conditions(true, false, false, -1, null);
}
