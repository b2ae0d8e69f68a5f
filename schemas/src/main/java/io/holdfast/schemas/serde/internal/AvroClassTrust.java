package io.holdfast.schemas.serde.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 instantiates a class it finds by name (a generated record or enum nested in another) only if
 * its {@link ClassSecurityValidator} trusts it, which by default covers java.lang and little else. Trusting
 * a whole package through system properties would be global configuration every application must repeat;
 * instead the serdes trust exactly the generated classes reachable from the record types they handle, so a
 * writer schema still cannot make Avro load anything else.
 */
public final class AvroClassTrust {

    private static final Set<Class<?>> TRUSTED = ConcurrentHashMap.newKeySet();
    private static final Set<Class<?>> WALKED = ConcurrentHashMap.newKeySet();
    private static final ClassSecurityPredicate HOLDFAST_RECORDS = TRUSTED::contains;
    private static boolean installed;

    private AvroClassTrust() {
    }

    /** Trusts the generated classes of every named type reachable from {@code recordType}'s schema. */
    public static void trustReachableFrom(Class<?> recordType) {
        if (!WALKED.add(recordType)) {
            return;
        }
        Schema schema = SpecificData.get().getSchema(recordType);
        collect(schema, recordType.getClassLoader(), ConcurrentHashMap.newKeySet());
        installOnce();
    }

    private static synchronized void installOnce() {
        if (!installed) {
            ClassSecurityValidator.setGlobal(
                    ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), HOLDFAST_RECORDS));
            installed = true;
        }
    }

    private static void collect(Schema schema, ClassLoader loader, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD:
                if (seen.add(schema.getFullName())) {
                    trust(schema, loader);
                    schema.getFields().forEach(field -> collect(field.schema(), loader, seen));
                }
                break;
            case ENUM:
            case FIXED:
                if (seen.add(schema.getFullName())) {
                    trust(schema, loader);
                }
                break;
            case UNION:
                schema.getTypes().forEach(branch -> collect(branch, loader, seen));
                break;
            case ARRAY:
                collect(schema.getElementType(), loader, seen);
                break;
            case MAP:
                collect(schema.getValueType(), loader, seen);
                break;
            default:
                break;
        }
    }

    private static void trust(Schema named, ClassLoader loader) {
        try {
            TRUSTED.add(Class.forName(SpecificData.getClassName(named), false, loader));
        } catch (ClassNotFoundException e) {
            // No generated class: Avro reads this type generically and loads nothing by name.
        }
    }
}
