package io.holdfast.reconciler.gtid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.holdfast.schemas.GtidFlavor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A Vitess VGTID as Debezium's Vitess connector writes it in {@code source.vgtid}: a JSON array with one
 * position per shard, e.g.
 * {@code [{"keyspace":"commerce","shard":"80-","gtid":"MySQL56/3e11fa47-...:1-23","table_p_ks":[]}]}.
 *
 * <p>Why per shard: each shard is its own MySQL (or MariaDB) replication stream, so the keyspace's
 * progress is the vector of shard positions; two VGTIDs can each be ahead on a different shard.
 * A shard's {@code gtid} is a Vitess position with a flavor prefix: {@code MySQL56/} (a
 * {@link MysqlGtidSet}) or {@code MariaDB/} (a {@link MariadbGtidPosition}). The field is also accepted
 * as {@code current_gtid}. Vitess's start directive {@code "current"}, an empty gtid and file/pos
 * positions ({@code FilePos/}) are not positions that can be ordered and are rejected.
 *
 * <p>{@code table_p_ks} (the last primary key copied per table while VStream copies a table) is
 * deliberately left out of the value: it is copy progress, not replication progress, it has no merge
 * (two copies' last keys are not comparable without the key's type), and keeping it would make equal
 * replication positions unequal. Copy progress is tracked separately ({@code WorkflowProgress}).
 * Unknown fields of a shard entry are ignored likewise.
 *
 * <p>Merge is per shard (a shard present on one side only is taken as is); {@code contains} holds when
 * this has every shard of the other at a position containing the other's. A shard missing on one side
 * therefore makes the comparison {@code BEFORE}, {@code AFTER} or {@code CONCURRENT}. After a reshard
 * the retired shards stay in merged values; that is harmless and bounded by the shards ever seen.
 * A shard whose flavor differs between the two sides cannot be merged ({@link IllegalArgumentException})
 * and contains neither way.
 */
public final class VitessVgtid implements ReplicationPosition {

    /** The empty VGTID ({@code []}). */
    public static final VitessVgtid EMPTY = new VitessVgtid(List.of());

    private static final String FLAVOR = "Vitess VGTID";
    private static final JsonFactory JSON = new JsonFactory();
    private static final Comparator<Shard> ORDER =
            Comparator.comparing(Shard::keyspace).thenComparing(Shard::shard);

    /** Sorted by keyspace then shard, one entry per (keyspace, shard). */
    private final List<Shard> shards;
    private String rendered;

    private VitessVgtid(List<Shard> shards) {
        this.shards = shards;
    }

    /**
     * The position of one shard of a keyspace.
     *
     * @param position a {@link MysqlGtidSet} or {@link MariadbGtidPosition}
     */
    public record Shard(String keyspace, String shard, ReplicationPosition position) {
        public Shard {
            Objects.requireNonNull(keyspace, "keyspace");
            Objects.requireNonNull(shard, "shard");
            Objects.requireNonNull(position, "position");
            if (position instanceof VitessVgtid) {
                throw new IllegalArgumentException("a shard position cannot itself be a VGTID");
            }
        }

        /** The shard's position in Vitess syntax: flavor prefix, {@code /}, position. */
        public String vitessPosition() {
            return (position.flavor() == GtidFlavor.MYSQL ? "MySQL56/" : "MariaDB/") + position.render();
        }
    }

    /** A VGTID of the given shard positions; duplicate (keyspace, shard) pairs are rejected. */
    public static VitessVgtid of(List<Shard> shards) {
        List<Shard> sorted = new ArrayList<>(shards);
        sorted.sort(ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            if (ORDER.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
                throw new IllegalArgumentException("shard " + sorted.get(i).keyspace() + "/" + sorted.get(i).shard()
                        + " appears twice");
            }
        }
        return new VitessVgtid(List.copyOf(sorted));
    }

    /**
     * Parses the VGTID JSON array.
     *
     * @throws MalformedPositionException naming the text and what is wrong with it
     */
    public static VitessVgtid parse(String text) {
        if (text == null) {
            throw new MalformedPositionException(FLAVOR + " is null");
        }
        List<Shard> shards = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw MalformedPositionException.of(FLAVOR, text, "not a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_OBJECT) {
                    throw MalformedPositionException.of(FLAVOR, text, "array element is not an object");
                }
                shards.add(readShard(parser, text));
            }
            if (parser.nextToken() != null) {
                throw MalformedPositionException.of(FLAVOR, text, "text after the array");
            }
        } catch (JsonProcessingException e) {
            throw new MalformedPositionException(FLAVOR + " '" + MalformedPositionException.abbreviate(text)
                    + "': not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        }
        try {
            return of(shards);
        } catch (IllegalArgumentException e) {
            throw MalformedPositionException.of(FLAVOR, text, e.getMessage());
        }
    }

    private static Shard readShard(JsonParser parser, String text) throws IOException {
        String keyspace = null;
        String shard = null;
        String gtid = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "keyspace" -> keyspace = stringValue(parser, value, field, text);
                case "shard" -> shard = stringValue(parser, value, field, text);
                case "gtid", "current_gtid" -> gtid = stringValue(parser, value, field, text);
                default -> parser.skipChildren();
            }
        }
        if (keyspace == null || shard == null || gtid == null) {
            throw MalformedPositionException.of(FLAVOR, text, "shard entry needs string keyspace, shard and gtid");
        }
        return new Shard(keyspace, shard, parseShardPosition(gtid, text));
    }

    private static String stringValue(JsonParser parser, JsonToken value, String field, String text)
            throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw MalformedPositionException.of(FLAVOR, text, "'" + field + "' is not a string");
        }
        return parser.getText();
    }

    private static ReplicationPosition parseShardPosition(String gtid, String text) {
        int slash = gtid.indexOf('/');
        String prefix = slash < 0 ? gtid : gtid.substring(0, slash);
        String rest = slash < 0 ? "" : gtid.substring(slash + 1);
        try {
            return switch (prefix) {
                case "MySQL56" -> MysqlGtidSet.parse(rest);
                case "MariaDB" -> MariadbGtidPosition.parse(rest);
                default -> throw MalformedPositionException.of(FLAVOR, text, "shard gtid '" + gtid
                        + "' is not a MySQL56/ or MariaDB/ position");
            };
        } catch (MalformedPositionException e) {
            if (e.getMessage().startsWith(FLAVOR)) {
                throw e;
            }
            throw MalformedPositionException.of(FLAVOR, text, "shard gtid: " + e.getMessage());
        }
    }

    @Override
    public GtidFlavor flavor() {
        return GtidFlavor.VITESS_VGTID;
    }

    /** The shard positions, sorted by keyspace then shard. */
    public List<Shard> shards() {
        return shards;
    }

    /** Per shard, the merge of both sides' positions; a shard on one side only is kept as is. */
    @Override
    public VitessVgtid merge(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        VitessVgtid that = (VitessVgtid) other;
        List<Shard> merged = new ArrayList<>(shards.size() + that.shards.size());
        int i = 0;
        int j = 0;
        while (i < shards.size() || j < that.shards.size()) {
            int order = i >= shards.size() ? 1 : j >= that.shards.size() ? -1
                    : ORDER.compare(shards.get(i), that.shards.get(j));
            if (order < 0) {
                merged.add(shards.get(i++));
            } else if (order > 0) {
                merged.add(that.shards.get(j++));
            } else {
                Shard mine = shards.get(i++);
                Shard theirs = that.shards.get(j++);
                ReplicationPosition position = mine.position().merge(theirs.position());
                merged.add(position.equals(mine.position()) ? mine : new Shard(mine.keyspace(), mine.shard(), position));
            }
        }
        return merged.equals(shards) ? this : new VitessVgtid(List.copyOf(merged));
    }

    /** Every shard of {@code other} is here, at a position containing the other's. */
    @Override
    public boolean contains(ReplicationPosition other) {
        Positions.requireSameFlavor(this, other);
        VitessVgtid that = (VitessVgtid) other;
        int i = 0;
        for (Shard theirs : that.shards) {
            while (i < shards.size() && ORDER.compare(shards.get(i), theirs) < 0) {
                i++;
            }
            if (i >= shards.size() || ORDER.compare(shards.get(i), theirs) != 0) {
                return false;
            }
            ReplicationPosition mine = shards.get(i).position();
            if (mine.flavor() != theirs.position().flavor() || !mine.contains(theirs.position())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Canonical JSON: an array of {@code {"keyspace":..,"shard":..,"gtid":..}} objects sorted by keyspace
     * then shard, each gtid the shard's canonical position with its Vitess prefix, no whitespace and no
     * {@code table_p_ks}.
     */
    @Override
    public String render() {
        String text = rendered;
        if (text == null) {
            StringWriter out = new StringWriter(shards.size() * 96 + 2);
            try (JsonGenerator generator = JSON.createGenerator(out)) {
                generator.writeStartArray();
                for (Shard shard : shards) {
                    generator.writeStartObject();
                    generator.writeStringField("keyspace", shard.keyspace());
                    generator.writeStringField("shard", shard.shard());
                    generator.writeStringField("gtid", shard.vitessPosition());
                    generator.writeEndObject();
                }
                generator.writeEndArray();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
            }
            text = out.toString();
            rendered = text;
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VitessVgtid that && shards.equals(that.shards);
    }

    @Override
    public int hashCode() {
        return shards.hashCode();
    }

    @Override
    public String toString() {
        return "VitessVgtid" + render();
    }
}
