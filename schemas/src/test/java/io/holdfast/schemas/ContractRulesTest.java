package io.holdfast.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.schemas.testing.AvscSources;
import io.holdfast.schemas.testing.ContractRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The contract rules (docs everywhere, default enum symbols, timestamp logical types, units in names,
 * nullable unions, full-name references to shared types), checked over every parsed {@code .avsc}.
 */
class ContractRulesTest {

    private final AvscSources sources = AvscSources.load();

    @Test
    void everyContractFileIsAListedContractAndViceVersa() {
        Set<String> files = new TreeSet<>(sources.contracts().keySet());
        Set<String> listed = Contracts.ALL.stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, files, "src/main/avro/*.avsc and Contracts.ALL must name the same contracts");
    }

    @Test
    void generatedClassesAreBuiltFromTheseSources() {
        for (Class<?> type : Contracts.ALL) {
            Schema generated = SpecificData.get().getSchema(type);
            Schema source = sources.contract(type.getName());
            assertEquals(SchemaNormalization.parsingFingerprint64(source),
                    SchemaNormalization.parsingFingerprint64(generated),
                    type.getName() + " was generated from another schema; rebuild");
        }
    }

    @Test
    void everyContractAndSharedTypeFollowsTheRules() {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<Path, Schema> file : sources.byFile().entrySet()) {
            violations.addAll(ContractRules.violations(file.getValue()));
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    @Test
    void contractsReferToSharedTypesByFullName() throws IOException {
        Set<String> shared = new TreeSet<>();
        sources.byFile().forEach((file, schema) -> {
            if (file.getParent().equals(AvscSources.COMMON_DIR)) {
                collectNames(schema, shared);
            }
        });
        ObjectMapper json = new ObjectMapper();
        List<String> violations = new ArrayList<>();
        for (Path file : sources.byFile().keySet()) {
            if (file.getParent().equals(AvscSources.AVRO_DIR)) {
                violations.addAll(ContractRules.shortReferences(json.readTree(file.toFile()), shared, file.toString()));
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyContractStatesItsCompatibility() {
        for (Schema contract : sources.contracts().values()) {
            assertTrue(contract.getDoc().matches(".*Compatibility: (FULL|BACKWARD)\\b.*"),
                    contract.getFullName() + " must state 'Compatibility: FULL' or 'Compatibility: BACKWARD' in its doc");
        }
    }

    /** The rules must be able to fail: a contract breaking each of them is reported once per break. */
    @Test
    void rulesReportEveryKindOfViolation() {
        Schema broken = new Schema.Parser().parse("""
                {"type": "record", "name": "badRecord", "namespace": "io.holdfast.schemas",
                 "fields": [
                   {"name": "undocumented", "type": "string"},
                   {"name": "CamelCase", "type": "string", "doc": "x"},
                   {"name": "created_at", "type": "long", "doc": "x"},
                   {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "x"},
                   {"name": "read_latency", "type": "double", "doc": "x"},
                   {"name": "maybe", "type": ["string", "null"], "doc": "x"},
                   {"name": "state", "doc": "x",
                    "type": {"type": "enum", "name": "NoDefault", "doc": "x", "symbols": ["A", "lower"]}}
                 ]}
                """);
        List<String> violations = ContractRules.violations(broken);
        List<String> expected = List.of(
                "type names are PascalCase", "badRecord: needs a doc",
                "undocumented: needs a doc",
                "CamelCase: field names are snake_case",
                "created_at: a field named *_time or *_at is a long with logicalType timestamp-millis",
                "when: a timestamp-millis field is named *_time or *_at",
                "read_latency: a measured quantity carries its unit",
                "maybe: an optional field is [\"null\", T]", "maybe: an optional field needs \"default\": null",
                "NoDefault: enum needs a default symbol", "symbol lower must be UPPER_SNAKE_CASE");
        for (String fragment : expected) {
            assertTrue(violations.stream().anyMatch(v -> v.contains(fragment)),
                    "expected a violation containing '" + fragment + "' in " + violations);
        }
        assertEquals(expected.size(), violations.size(), String.join("\n", violations));
    }

    private static void collectNames(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD:
                if (names.add(schema.getName())) {
                    schema.getFields().forEach(f -> collectNames(f.schema(), names));
                }
                break;
            case ENUM:
                names.add(schema.getName());
                break;
            case UNION:
                schema.getTypes().forEach(t -> collectNames(t, names));
                break;
            default:
                break;
        }
    }
}
