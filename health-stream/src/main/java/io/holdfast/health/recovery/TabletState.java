package io.holdfast.health.recovery;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** What a shard's workflow knows of one tablet: its latest topology record and its volume's health. */
public final class TabletState {
    public String alias;
    public String cell;
    public String role = "UNKNOWN";
    public boolean serving;
    public boolean reachable = true;
    public String volumeId;
    public String node;
    public Long replicationLagMs;
    public long primaryTerm;
    public long updatedMs;
    /** VolumeHealthState name of the tablet's volume; UNKNOWN until a health record arrives. */
    public String health = "UNKNOWN";
    public long healthSinceMs;

    @JsonIgnore
    public boolean isPrimary() {
        return "PRIMARY".equals(role);
    }

    /** In the shard at all: a SPARE tablet has been retired. */
    public boolean inShard() {
        return !"SPARE".equals(role);
    }

    @JsonIgnore
    public boolean isDegradedOrStalled() {
        return "DEGRADED".equals(health) || "STALLED".equals(health);
    }
}
