package io.holdfast.reconciler.gtid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.schemas.GtidFlavor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VitessVgtidTest {

    static final String U = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

    static VitessVgtid vgtid(String... shardGtidPairs) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < shardGtidPairs.length; i += 2) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"keyspace\":\"commerce\",\"shard\":\"").append(shardGtidPairs[i])
                    .append("\",\"gtid\":\"").append(shardGtidPairs[i + 1]).append("\",\"table_p_ks\":[]}");
        }
        return VitessVgtid.parse(json.append(']').toString());
    }

    @Test
    void parsesTheConnectorsVgtidWithTablePksAndRendersCanonicalJson() {
        String source = "[{\"keyspace\":\"commerce\",\"shard\":\"80-\",\"gtid\":\"MySQL56/" + U.toUpperCase()
                + ":1-23\",\"table_p_ks\":[]},"
                + "{\"keyspace\":\"commerce\",\"shard\":\"-80\",\"gtid\":\"MySQL56/" + U + ":1-7:9\","
                + "\"table_p_ks\":[{\"table_name\":\"revisions\",\"lastpk\":{\"fields\":[{\"name\":\"entity_id\","
                + "\"type\":\"VARCHAR\"}],\"rows\":[{\"lengths\":[\"2\"],\"values\":\"e9\"}]}}]}]";
        VitessVgtid vgtid = VitessVgtid.parse(source);
        assertEquals("[{\"keyspace\":\"commerce\",\"shard\":\"-80\",\"gtid\":\"MySQL56/" + U + ":1-7:9\"},"
                + "{\"keyspace\":\"commerce\",\"shard\":\"80-\",\"gtid\":\"MySQL56/" + U + ":1-23\"}]", vgtid.render());
        assertEquals(2, vgtid.shards().size());
        assertInstanceOf(MysqlGtidSet.class, vgtid.shards().get(0).position());
        assertEquals(vgtid, VitessVgtid.parse(vgtid.render()));
    }

    @Test
    void tablePksAreNotPartOfTheIdentity() {
        VitessVgtid copying = VitessVgtid.parse("[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/" + U
                + ":1-5\",\"table_p_ks\":[{\"table_name\":\"t\",\"lastpk\":{}}]}]");
        VitessVgtid streaming = VitessVgtid.parse("[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/" + U + ":1-5\"}]");
        assertEquals(streaming, copying);
        assertEquals(PositionOrder.EQUAL, copying.compare(streaming));
    }

    @Test
    void acceptsCurrentGtidFieldNameAndMariadbShards() {
        VitessVgtid vgtid = VitessVgtid.parse(
                "[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"current_gtid\":\"MariaDB/0-54610504-47\"}]");
        assertInstanceOf(MariadbGtidPosition.class, vgtid.shards().get(0).position());
        assertEquals("[{\"keyspace\":\"commerce\",\"shard\":\"0\",\"gtid\":\"MariaDB/0-54610504-47\"}]", vgtid.render());
    }

    @Test
    void sortsByKeyspaceThenShard() {
        VitessVgtid vgtid = VitessVgtid.parse("[{\"keyspace\":\"b\",\"shard\":\"-80\",\"gtid\":\"MySQL56/" + U + ":1\"},"
                + "{\"keyspace\":\"a\",\"shard\":\"80-\",\"gtid\":\"MySQL56/" + U + ":1\"},"
                + "{\"keyspace\":\"a\",\"shard\":\"-80\",\"gtid\":\"MySQL56/" + U + ":1\"}]");
        assertEquals(List.of("a/-80", "a/80-", "b/-80"),
                vgtid.shards().stream().map(s -> s.keyspace() + "/" + s.shard()).toList());
    }

    @Test
    void mergeIsPerShard() {
        VitessVgtid left = vgtid("-80", "MySQL56/" + U + ":1-10", "80-", "MySQL56/" + U + ":1-3");
        VitessVgtid right = vgtid("-80", "MySQL56/" + U + ":1-8", "80-", "MySQL56/" + U + ":1-5");
        assertEquals(vgtid("-80", "MySQL56/" + U + ":1-10", "80-", "MySQL56/" + U + ":1-5"), left.merge(right));
        assertEquals(PositionOrder.CONCURRENT, left.compare(right));
    }

    @Test
    void missingShardDecidesTheComparison() {
        VitessVgtid both = vgtid("-80", "MySQL56/" + U + ":1-10", "80-", "MySQL56/" + U + ":1-3");
        VitessVgtid one = vgtid("-80", "MySQL56/" + U + ":1-10");
        VitessVgtid otherAhead = vgtid("-80", "MySQL56/" + U + ":1-11");
        assertEquals(PositionOrder.AFTER, both.compare(one));
        assertEquals(PositionOrder.BEFORE, one.compare(both));
        assertEquals(PositionOrder.CONCURRENT, both.compare(otherAhead));
        assertEquals(vgtid("-80", "MySQL56/" + U + ":1-11", "80-", "MySQL56/" + U + ":1-3"), both.merge(otherAhead));
    }

    @Test
    void shardWhoseFlavorChangedCannotBeMergedAndContainsNeitherWay() {
        VitessVgtid mysql = vgtid("0", "MySQL56/" + U + ":1");
        VitessVgtid maria = vgtid("0", "MariaDB/0-1-1");
        assertThrows(IllegalArgumentException.class, () -> mysql.merge(maria));
        assertEquals(PositionOrder.CONCURRENT, mysql.compare(maria));
    }

    @Test
    void emptyVgtidAndEmptyShardSet() {
        assertEquals(VitessVgtid.EMPTY, VitessVgtid.parse(" [ ] "));
        assertEquals("[]", VitessVgtid.EMPTY.render());
        VitessVgtid emptyShard = vgtid("0", "MySQL56/");
        assertTrue(vgtid("0", "MySQL56/" + U + ":1").contains(emptyShard));
        assertFalse(emptyShard.contains(vgtid("0", "MySQL56/" + U + ":1")));
    }

    @Test
    void escapesNamesInCanonicalJson() {
        VitessVgtid odd = VitessVgtid.of(List.of(new VitessVgtid.Shard("k\"s", "-", MysqlGtidSet.EMPTY)));
        assertEquals(odd, VitessVgtid.parse(odd.render()));
    }

    @Test
    void avroRoundTrip() {
        VitessVgtid vgtid = vgtid("-80", "MySQL56/" + U + ":1-10", "80-", "MariaDB/0-1-3");
        assertEquals(GtidFlavor.VITESS_VGTID, vgtid.toAvro().getFlavor());
        assertEquals(vgtid, ReplicationPosition.fromAvro(vgtid.toAvro()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "{}",
        "[1]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\"}]",
        "[{\"keyspace\":\"k\",\"gtid\":\"MySQL56/\"}]",
        "[{\"keyspace\":7,\"shard\":\"0\",\"gtid\":\"MySQL56/\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"current\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"FilePos/mysql-bin.000001:4\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/nonsense\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MariaDB/0-1\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/\"},{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/\"}]",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/\"}] trailing",
        "[{\"keyspace\":\"k\",\"shard\":\"0\",\"gtid\":\"MySQL56/\"}"
    })
    void rejectsMalformedVgtidsNamingTheText(String text) {
        MalformedPositionException e = assertThrows(MalformedPositionException.class,
                () -> ReplicationPosition.parse(GtidFlavor.VITESS_VGTID, text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }
}
