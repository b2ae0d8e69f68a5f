package io.holdfast.reconciler.cdc;

import io.holdfast.reconciler.gtid.ReplicationPosition;
import java.util.Objects;

/**
 * The part of Debezium's {@code source} block the reconciler uses: where the change came from and how
 * far the source had replicated when it was read. Fields the connector does not write are null
 * (strings, position) or -1 (numbers).
 *
 * @param connector {@code mysql}, {@code mariadb}, {@code vitess}, ...
 * @param name the connector's logical server name (the topic prefix)
 * @param db database (for Vitess, often empty; see keyspace)
 * @param table table name
 * @param keyspace Vitess keyspace; null for other connectors
 * @param tsMs when the change was made in the database, epoch millis; -1 if absent
 * @param snapshot whether the event was read by a snapshot; never null
 * @param position the replication position: {@code source.gtid} (MySQL GTID or MariaDB
 *     domain-server-seq) or {@code source.vgtid} (Vitess); null when absent
 * @param binlogFile {@code source.file}; null when absent
 * @param binlogPos {@code source.pos}; -1 when absent
 * @param serverId {@code source.server_id}; -1 when absent
 */
public record SourceInfo(String connector, String name, String db, String table, String keyspace, long tsMs,
                         SnapshotMarker snapshot, ReplicationPosition position, String binlogFile, long binlogPos,
                         long serverId) {

    public SourceInfo {
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
