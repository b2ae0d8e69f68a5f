package io.holdfast.schemas.serde.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;

/**
 * The schema a record class is generated from, plus every released version of it that this module ships
 * under {@code holdfast/avro-history/<FullName>/<N>.avsc} (N = 1, 2, ... without gaps). Released files
 * are self-contained (every named type inlined), so each one parses on its own, exactly as it was released.
 */
public final class SchemaHistory {

    public static final String RESOURCE_ROOT = "holdfast/avro-history/";

    private final Schema current;
    private final List<Schema> released;

    private SchemaHistory(Schema current, List<Schema> released) {
        this.current = Objects.requireNonNull(current, "current");
        this.released = List.copyOf(released);
    }

    /** The history of a generated record class, read from the class's own class loader. */
    public static SchemaHistory of(Class<?> recordType) {
        Schema current = SpecificData.get().getSchema(recordType);
        ClassLoader loader = recordType.getClassLoader() != null
                ? recordType.getClassLoader()
                : ClassLoader.getSystemClassLoader();
        return new SchemaHistory(current, loadReleased(current.getFullName(), loader));
    }

    /** A history given explicitly, e.g. to prove decoding of a version that was never shipped. */
    public static SchemaHistory of(Schema current, List<Schema> released) {
        return new SchemaHistory(current, released);
    }

    public static String resourceName(String fullName, int version) {
        return RESOURCE_ROOT + fullName + "/" + version + ".avsc";
    }

    /** Released versions 1..N of {@code fullName}, oldest first; empty if none was released. */
    public static List<Schema> loadReleased(String fullName, ClassLoader loader) {
        List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = resourceName(fullName, version);
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    return versions;
                }
                Schema schema = new Schema.Parser().parse(in);
                if (!fullName.equals(schema.getFullName())) {
                    throw new IllegalStateException(resource + " defines " + schema.getFullName()
                            + ", not " + fullName);
                }
                versions.add(schema);
            } catch (IOException | SchemaParseException e) {
                throw new IllegalStateException("Cannot read released schema " + resource + ": " + e.getMessage(), e);
            }
        }
    }

    /** The schema of the generated class: what serializers write. */
    public Schema current() {
        return current;
    }

    /** Released versions, oldest first. */
    public List<Schema> released() {
        return released;
    }

    /** Every schema a deserializer must read: the released versions and the current one. */
    public List<Schema> decodable() {
        List<Schema> all = new ArrayList<>(released);
        all.add(current);
        return all;
    }
}
