package io.holdfast.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The house rules of holdfast contracts, checked over parsed schemas so that a future contract that
 * breaks one fails the build. Each rule returns readable violations rather than failing fast, so one run
 * lists everything to fix.
 */
public final class ContractRules {

    public static final String NAMESPACE = "io.holdfast.schemas";

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern PASCAL_CASE = Pattern.compile("[A-Z][A-Za-z0-9]*");
    private static final Pattern UPPER_SNAKE_CASE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    private static final Pattern TIMESTAMP_NAME = Pattern.compile(".*_(time|at)");
    /** A number named after a quantity without its unit: say latency_us, lag_ms, size_bytes instead. */
    private static final Pattern UNITLESS_QUANTITY =
            Pattern.compile("(.*_)?(latency|lag|duration|delay|timeout|period|interval|age|size|elapsed|throughput|bandwidth)");

    private ContractRules() {
    }

    /** Violations in {@code root} and every named type it reaches. */
    public static List<String> violations(Schema root) {
        List<String> violations = new ArrayList<>();
        walk(root, new HashSet<>(), violations);
        return violations;
    }

    /**
     * In a contract file's JSON, references to the shared types of {@code common/} must use the full name,
     * so a reader sees at once that the type is defined elsewhere.
     */
    public static List<String> shortReferences(JsonNode contractJson, Set<String> sharedSimpleNames, String file) {
        List<String> violations = new ArrayList<>();
        collectShortReferences(contractJson, sharedSimpleNames, file, violations);
        return violations;
    }

    private static void walk(Schema schema, Set<String> visited, List<String> violations) {
        switch (schema.getType()) {
            case RECORD:
                if (visited.add(schema.getFullName())) {
                    checkNamed(schema, violations);
                    for (Schema.Field field : schema.getFields()) {
                        checkField(schema, field, violations);
                        walk(field.schema(), visited, violations);
                    }
                }
                break;
            case ENUM:
                if (visited.add(schema.getFullName())) {
                    checkNamed(schema, violations);
                    checkEnum(schema, violations);
                }
                break;
            case UNION:
                schema.getTypes().forEach(branch -> walk(branch, visited, violations));
                break;
            case MAP:
                walk(schema.getValueType(), visited, violations);
                break;
            case ARRAY:
                walk(schema.getElementType(), visited, violations);
                break;
            default:
                break;
        }
    }

    private static void checkNamed(Schema schema, List<String> violations) {
        String name = schema.getFullName();
        if (!NAMESPACE.equals(schema.getNamespace())) {
            violations.add(name + ": namespace must be " + NAMESPACE);
        }
        if (!PASCAL_CASE.matcher(schema.getName()).matches()) {
            violations.add(name + ": type names are PascalCase");
        }
        if (isBlank(schema.getDoc())) {
            violations.add(name + ": needs a doc");
        }
    }

    private static void checkEnum(Schema schema, List<String> violations) {
        String name = schema.getFullName();
        String defaultSymbol = schema.getEnumDefault();
        if (defaultSymbol == null) {
            violations.add(name + ": enum needs a default symbol, so readers survive symbols added later");
        } else if (!schema.getEnumSymbols().contains(defaultSymbol)) {
            violations.add(name + ": default symbol " + defaultSymbol + " is not one of its symbols");
        }
        for (String symbol : schema.getEnumSymbols()) {
            if (!UPPER_SNAKE_CASE.matcher(symbol).matches()) {
                violations.add(name + ": symbol " + symbol + " must be UPPER_SNAKE_CASE");
            }
        }
    }

    private static void checkField(Schema record, Schema.Field field, List<String> violations) {
        String where = record.getFullName() + "." + field.name();
        if (!SNAKE_CASE.matcher(field.name()).matches()) {
            violations.add(where + ": field names are snake_case");
        }
        if (isBlank(field.doc())) {
            violations.add(where + ": needs a doc");
        }
        Schema value = field.schema();
        if (value.getType() == Schema.Type.UNION) {
            List<Schema> branches = value.getTypes();
            if (branches.size() != 2 || branches.get(0).getType() != Schema.Type.NULL) {
                violations.add(where + ": an optional field is [\"null\", T]; other unions are not used");
            }
            if (!field.hasDefaultValue() || field.defaultVal() != JsonProperties.NULL_VALUE) {
                violations.add(where + ": an optional field needs \"default\": null");
            }
            value = branches.get(branches.size() - 1);
        }
        boolean timestamp = value.getLogicalType() instanceof LogicalTypes.TimestampMillis;
        boolean timestampName = TIMESTAMP_NAME.matcher(field.name()).matches();
        if (timestampName && !(value.getType() == Schema.Type.LONG && timestamp)) {
            violations.add(where + ": a field named *_time or *_at is a long with logicalType timestamp-millis");
        }
        if (timestamp && !timestampName) {
            violations.add(where + ": a timestamp-millis field is named *_time or *_at");
        }
        if (isNumber(value) && !timestamp && UNITLESS_QUANTITY.matcher(field.name()).matches()) {
            violations.add(where + ": a measured quantity carries its unit in its name (_ms, _us, _bytes, ...)");
        }
    }

    private static void collectShortReferences(JsonNode node, Set<String> shared, String file, List<String> violations) {
        if (node.isObject()) {
            JsonNode type = node.get("type");
            if (type != null) {
                checkReference(type, shared, file, violations);
            }
            node.elements().forEachRemaining(child -> collectShortReferences(child, shared, file, violations));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectShortReferences(child, shared, file, violations));
        }
    }

    private static void checkReference(JsonNode type, Set<String> shared, String file, List<String> violations) {
        if (type.isTextual() && shared.contains(type.asText())) {
            violations.add(file + ": refer to shared type " + type.asText() + " by its full name "
                    + NAMESPACE + "." + type.asText());
        } else if (type.isArray()) {
            type.elements().forEachRemaining(branch -> checkReference(branch, shared, file, violations));
        } else if (type.isObject()) {
            for (String nested : List.of("values", "items")) {
                if (type.has(nested)) {
                    checkReference(type.get(nested), shared, file, violations);
                }
            }
        }
    }

    private static boolean isNumber(Schema schema) {
        switch (schema.getType()) {
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                return true;
            default:
                return false;
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
