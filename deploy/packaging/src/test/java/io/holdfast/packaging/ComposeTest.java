package io.holdfast.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.holdfast.connectors.store.EntityStoreSchema;
import io.holdfast.packaging.ProcessSettings.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/docker-compose.yml: the laptop stack, parsed and checked against the code it runs. */
class ComposeTest {

    static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        List<JsonNode> docs = Rendered.parseAll(Files.readString(compose(), StandardCharsets.UTF_8));
        assertEquals(1, docs.size());
        services = docs.get(0).path("services");
    }

    static Path compose() {
        return Repo.root().resolve("deploy/docker-compose.yml");
    }

    /** The services built from deploy/docker/Dockerfile: holdfast processes. */
    static Map<String, JsonNode> holdfastServices() {
        Map<String, JsonNode> holdfast = new TreeMap<>();
        services.fields().forEachRemaining(e -> {
            JsonNode build = e.getValue().path("build");
            if (!build.isMissingNode()) {
                Path dockerfile = compose().getParent().resolve(build.path("context").asText()).resolve(build.path("dockerfile").asText()).normalize();
                assertEquals(Repo.root().resolve("deploy/docker/Dockerfile"), dockerfile, e.getKey());
                holdfast.put(e.getKey(), e.getValue());
            }
        });
        return holdfast;
    }

    static List<String> command(JsonNode service) {
        List<String> args = new ArrayList<>();
        service.path("command").forEach(a -> args.add(a.asText()));
        return args;
    }

    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    @Test
    void everyProcessAndEveryServiceTheyNeedIsThere() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(Set.of("kafka", "schema-registry", "minio", "bucket", "mariadb")), names::toString);
        Map<String, Command> commands = new TreeMap<>();
        holdfastServices().forEach((name, s) -> commands.put(name, Command.of(command(s))));
        assertEquals(new TreeSet<>(List.of(Command.TOPICS_ENSURE, Command.RUN_RECONCILER, Command.RUN_HEALTH, Command.CONNECT_BINLOG,
                Command.SCAN_S3, Command.EXECUTE_RECONCILE, Command.SIM_FLEET)), new TreeSet<>(commands.values()));
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertTrue(services.path("mariadb").path("image").asText().startsWith("mariadb:"));
        // Every process waits for its topics; they are created once the broker answers.
        holdfastServices().forEach((name, s) -> {
            if (!name.equals("topics")) {
                assertEquals("service_completed_successfully", s.path("depends_on").path("topics").path("condition").asText(), name);
            }
        });
        assertEquals("service_healthy", services.path("topics").path("depends_on").path("kafka").path("condition").asText());
    }

    @Test
    void kafkaIsTheVersionHoldfastIsBuiltAgainst() throws IOException {
        Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(Files.readString(Repo.root().resolve("pom.xml"), StandardCharsets.UTF_8));
        assertTrue(m.find());
        assertEquals("apache/kafka:" + m.group(1), services.path("kafka").path("image").asText());
        assertTrue(environment(services.path("kafka")).get("KAFKA_PROCESS_ROLES").contains("controller"), "KRaft");
    }

    /** Avro records are written and read in one wire format: a registry for one process means a registry for all. */
    @Test
    void everyProcessThatExchangesAvroUsesTheSameRegistry() {
        Set<String> registries = new TreeSet<>();
        holdfastServices().forEach((name, s) -> {
            Command command = Command.of(command(s));
            // Topics are only created, and the binlog source writes Kafka Connect's JSON as strings.
            if (command != Command.TOPICS_ENSURE && command != Command.CONNECT_BINLOG) {
                registries.add(ProcessSettings.fromEnvironment(environment(s)).getOrDefault("schema.registry.url", "(none)"));
                // The first record a process writes registers its schema.
                assertEquals("service_healthy", s.path("depends_on").path("schema-registry").path("condition").asText(), name);
            }
        });
        assertEquals(Set.of("http://schema-registry:8081"), registries);
        assertTrue(services.path("schema-registry").path("environment").path("SCHEMA_REGISTRY_LISTENERS").asText().endsWith(":8081"));
    }

    @Test
    void publishedPortsAreOnLoopbackOnly() {
        services.fields().forEachRemaining(e -> e.getValue().path("ports").forEach(p ->
                assertTrue(p.isTextual() && p.asText().startsWith("127.0.0.1:"), () -> e.getKey() + " publishes " + p)));
    }

    @Test
    void everySettingOfEveryProcessExistsAndLoads() {
        holdfastServices().forEach((name, s) -> {
            Command command = Command.of(command(s));
            Map<String, String> env = environment(s);
            for (String var : env.keySet()) {
                assertTrue(var.startsWith("HOLDFAST_"), () -> name + ": " + var + " is no holdfast setting");
            }
            Map<String, String> settings = ProcessSettings.fromEnvironment(env);
            assertEquals(List.of(), ProcessSettings.problems(command, settings), name);
            ProcessSettings.loadAsLauncher(command, Optional.empty(), env);
        });
    }

    @Test
    void secretsAreNotWrittenDown() {
        Set<String> secrets = ProcessSettings.secretKeys();
        Pattern interpolated = Pattern.compile("^\\$\\{[A-Z0-9_]+:\\?[^}]*}$");
        services.fields().forEachRemaining(e -> environment(e.getValue()).forEach((var, value) -> {
            Optional<String> key = var.startsWith("HOLDFAST_") ? ProcessSettings.keyOfEnvironment(var) : Optional.empty();
            boolean secret = key.map(secrets::contains).orElse(false)
                    || (var.matches(".*(PASSWORD|SECRET|ROOT_USER|ACCESS_KEY).*") && !var.contains("RANDOM_"));
            if (secret) {
                assertTrue(interpolated.matcher(value).matches(), () -> e.getKey() + ": " + var + " must come from the environment, not the file");
            }
        }));
    }

    @Test
    void streamAppsServeOnThePublishedPortAndKeepStateOnAVolume() {
        for (String app : List.of("reconciler", "health")) {
            JsonNode s = services.path(app);
            Map<String, String> settings = ProcessSettings.fromEnvironment(environment(s));
            String port = settings.get("holdfast.http.port");
            assertEquals("0.0.0.0", settings.get("holdfast.http.bind.address"), app);
            assertEquals(app, settings.get("holdfast.http.advertised.host"), app);
            assertTrue(s.path("ports").get(0).asText().endsWith(":" + port), app);
            String stateDir = settings.get("state.dir");
            boolean onVolume = false;
            for (JsonNode v : s.path("volumes")) {
                onVolume |= v.asText().endsWith(":" + stateDir);
            }
            assertTrue(onVolume, app + " state.dir " + stateDir + " is on no volume");
        }
    }

    @Test
    void mariaDbWritesTheBinlogDebeziumReadsAndHasTheStoreTables() throws IOException {
        List<String> args = command(services.path("mariadb"));
        for (String flag : List.of("--log-bin=binlog", "--binlog-format=ROW", "--binlog-row-image=FULL", "--gtid-domain-id=0")) {
            assertTrue(args.contains(flag), () -> "mariadb lacks " + flag + ": " + args);
        }
        assertTrue(args.stream().anyMatch(a -> a.matches("--server-id=[1-9][0-9]*")), args::toString);
        String binlogServerId = environment(services.path("binlog")).get("HOLDFAST_BINLOG_SERVER_ID");
        assertTrue(!args.contains("--server-id=" + binlogServerId), "the binlog source needs its own server id");

        String initDir = null;
        for (JsonNode v : services.path("mariadb").path("volumes")) {
            if (v.asText().contains(":/docker-entrypoint-initdb.d")) {
                initDir = v.asText().substring(0, v.asText().indexOf(':'));
            }
        }
        assertTrue(initDir != null, "no init scripts");
        String sql = Files.readString(compose().getParent().resolve(initDir).resolve("01-holdfast.sql"), StandardCharsets.UTF_8);
        assertTrue(sql.contains(EntityStoreSchema.CREATE_REVISIONS + ";"), "revisions table differs from EntityStoreSchema");
        assertTrue(sql.contains(EntityStoreSchema.CREATE_HEADS + ";"), "entity_heads table differs from EntityStoreSchema");
        assertTrue(sql.contains("REPLICATION SLAVE") && sql.contains("REPLICATION CLIENT"), "Debezium reads the binlog as a replica");
        assertEquals("holdfast", environment(services.path("mariadb")).get("MARIADB_DATABASE"));
    }
}
