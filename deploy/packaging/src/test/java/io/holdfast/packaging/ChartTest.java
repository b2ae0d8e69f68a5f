package io.holdfast.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.marcnuri.helm.LintResult;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/helm/holdfast rendered by the real Helm engine, with default values and with a production-like
 * override, and every object checked against what the processes really read and serve.
 */
class ChartTest {

    /** What a production install typically changes: sizes, a secured cluster, the secrets, the fleet executor. */
    static final Map<String, String> OVERRIDES = new LinkedHashMap<>();

    static {
        OVERRIDES.put("reconciler.replicas", "3");
        OVERRIDES.put("health.replicas", "3");
        OVERRIDES.put("reconciler.standbyReplicas", "2");
        OVERRIDES.put("health.standbyReplicas", "2");
        OVERRIDES.put("reconciler.httpPort", "9090");
        OVERRIDES.put("scanner.httpPort", "9191");
        OVERRIDES.put("agent.httpPort", "9292");
        OVERRIDES.put("reconciler.stateDir", "/data/streams");
        OVERRIDES.put("topics.prefix", "prod.");
        OVERRIDES.put("kafka.securityProtocol", "SASL_SSL");
        OVERRIDES.put("kafka.sasl.jaasConfigSecret.name", "kafka-sasl");
        OVERRIDES.put("kafka.tls.secretName", "kafka-tls");
        OVERRIDES.put("schemaRegistry.url", "https://registry:8081");
        OVERRIDES.put("schemaRegistry.userInfoSecret.name", "registry-auth");
        OVERRIDES.put("store.db.passwordSecret.name", "holdfast-db");
        OVERRIDES.put("store.s3.credentialsSecret.name", "holdfast-s3");
        OVERRIDES.put("fleetExecutor.enabled", "true");
        OVERRIDES.put("fleetExecutor.image.repository", "registry.example/holdfast-vitess");
        OVERRIDES.put("fleetExecutor.vtctld.server", "vtctld:15999");
        OVERRIDES.put("fleetExecutor.hooks.fence", "/opt/hooks/fence.sh");
        OVERRIDES.put("agent.enabled", "true");
        OVERRIDES.put("cloudwatch.enabled", "true");
        OVERRIDES.put("cloudwatch.region", "eu-west-1");
        OVERRIDES.put("cloudwatch.tagFilters", "holdfast-role=vitess");
    }

    /**
     * The endpoints each long-running command's process serves (checked against its source in
     * {@link #probedEndpointsAreServed} where {@link #HTTP_SOURCE} names it). Every command a chart
     * workload runs is here but {@code topics ensure}, a Job that ends.
     */
    static final Map<Command, Set<String>> SERVED = Map.of(
            Command.RUN_RECONCILER, Set.of("/live", "/ready", "/metrics", "/topology"),
            Command.RUN_HEALTH, Set.of("/live", "/ready", "/metrics", "/topology"),
            Command.CONNECT_BINLOG, Set.of("/live", "/ready", "/metrics"),
            Command.SCAN_S3, Set.of("/live", "/ready", "/metrics"),
            Command.EXECUTE_RECONCILE, Set.of("/live", "/ready", "/metrics"),
            Command.EXECUTE_FLEET, Set.of("/live", "/ready", "/metrics"),
            Command.AGENT, Set.of("/live", "/ready", "/metrics"),
            Command.CLOUDWATCH, Set.of("/live", "/ready", "/metrics"));

    /** The commands the chart runs that end rather than serve: no probes, nothing to scrape. */
    static final Set<Command> RUN_TO_COMPLETION = Set.of(Command.TOPICS_ENSURE);

    /**
     * Where each served endpoint is routed, so that a renamed route fails here. The scanner, the executors, the agent
     * and the CloudWatch poller share one server ({@code ProcessEndpoints}); {@link #probedEndpointsAreServed} also
     * checks that each of their commands starts it.
     */
    static final String PROCESS_ENDPOINTS = "deploy/launcher/src/main/java/io/holdfast/launcher/internal/ProcessEndpoints.java";
    static final Map<Command, String> HTTP_SOURCE = Map.of(
            Command.RUN_RECONCILER, "topology/src/main/java/io/holdfast/topology/app/RunningApp.java",
            Command.RUN_HEALTH, "topology/src/main/java/io/holdfast/topology/app/RunningApp.java",
            Command.CONNECT_BINLOG, "connectors/src/main/java/io/holdfast/connectors/binlog/BinlogSource.java",
            Command.SCAN_S3, PROCESS_ENDPOINTS,
            Command.EXECUTE_RECONCILE, PROCESS_ENDPOINTS,
            Command.EXECUTE_FLEET, PROCESS_ENDPOINTS,
            Command.AGENT, PROCESS_ENDPOINTS,
            Command.CLOUDWATCH, PROCESS_ENDPOINTS);
    /** The command classes that serve through {@link #PROCESS_ENDPOINTS}. */
    static final Map<Command, String> COMMAND_SOURCE = Map.of(
            Command.SCAN_S3, "deploy/launcher/src/main/java/io/holdfast/launcher/ScanCommand.java",
            Command.EXECUTE_RECONCILE, "deploy/launcher/src/main/java/io/holdfast/launcher/ExecuteCommand.java",
            Command.EXECUTE_FLEET, "deploy/launcher/src/main/java/io/holdfast/launcher/ExecuteCommand.java",
            Command.AGENT, "deploy/launcher/src/main/java/io/holdfast/launcher/AgentCommand.java",
            Command.CLOUDWATCH, "deploy/launcher/src/main/java/io/holdfast/launcher/CloudWatchCommand.java");

    static Rendered defaults;
    static Rendered overrides;

    @TempDir
    Path tmp;

    @BeforeAll
    static void render() {
        defaults = HelmChart.render(Map.of());
        overrides = HelmChart.render(OVERRIDES);
    }

    static Stream<Arguments> renders() {
        return Stream.of(Arguments.of(Named.of("default values", defaults), 2, 1),
                Arguments.of(Named.of("overrides", overrides), 3, 2));
    }

    static Stream<Arguments> bothRenders() {
        return Stream.of(Arguments.of(Named.of("default values", defaults)), Arguments.of(Named.of("overrides", overrides)));
    }

    @Test
    void helmLintPasses() {
        LintResult result = HelmChart.lint();
        assertFalse(result.isFailed(), () -> "helm lint --strict: " + result.getMessages());
    }

    @Test
    void defaultInstallRunsEveryProcessAnInstallNeeds() {
        Map<String, String> expected = new TreeMap<>(Map.of(
                "holdfast-reconciler", "StatefulSet run reconciler",
                "holdfast-health", "StatefulSet run health",
                "holdfast-binlog", "Deployment connect binlog",
                "holdfast-scanner", "Deployment scan s3",
                "holdfast-reconcile-executor", "Deployment execute reconcile",
                "holdfast-topics-1", "Job topics ensure"));
        Map<String, String> actual = new TreeMap<>();
        for (JsonNode w : defaults.workloads()) {
            List<String> args = Rendered.args(Rendered.onlyContainer(w));
            actual.put(Rendered.name(w), w.path("kind").asText() + " " + args.get(0) + " " + args.get(1));
        }
        assertEquals(expected, actual);
        assertTrue(overrides.find("Deployment", "holdfast-fleet-executor").isPresent(), "fleet executor when enabled");
        assertTrue(overrides.find("Deployment", "holdfast-cloudwatch").isPresent(), "CloudWatch poller when enabled");
        // The agent names its samples after the node, not after its pod.
        JsonNode agent = Rendered.onlyContainer(overrides.get("DaemonSet", "holdfast-agent"));
        assertEquals("spec.nodeName", Rendered.env(agent, "HOLDFAST_AGENT_NODE").orElseThrow().path("valueFrom").path("fieldRef")
                .path("fieldPath").asText());
        assertEquals(Optional.of("holdfast.agent.node"), ProcessSettings.keyOfEnvironment("HOLDFAST_AGENT_NODE"));
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void everySettingExistsAndLoadsAsTheLauncherLoadsIt(Rendered rendered) throws IOException {
        for (JsonNode w : rendered.workloads()) {
            JsonNode container = Rendered.onlyContainer(w);
            Command command = Command.of(Rendered.args(container));
            Map<String, String> file = Rendered.asMap(rendered.configFile(w));
            Map<String, String> env = Rendered.environment(container);
            Map<String, String> settings = new TreeMap<>(file);
            settings.putAll(ProcessSettings.fromEnvironment(env));
            List<String> problems = ProcessSettings.problems(command, settings);
            assertEquals(List.of(), problems, Rendered.name(w));

            Path props = tmp.resolve(Rendered.name(w) + ".properties");
            Files.writeString(props, rendered.get("ConfigMap", configMapOf(w)).path("data").path("holdfast.properties").asText(),
                    StandardCharsets.UTF_8);
            ProcessSettings.loadAsLauncher(command, Optional.of(props), env);
        }
    }

    @Test
    void aMisspelledKeyIsCaught() {
        Rendered typo = HelmChart.render(Map.of(HelmChart.key("scanner.config", "holdfast.scan.intervl.ms"), "5000",
                HelmChart.key("reconciler.config", "num.standby.replica"), "1"));
        List<String> problems = new ArrayList<>();
        for (JsonNode w : typo.workloads()) {
            JsonNode container = Rendered.onlyContainer(w);
            problems.addAll(ProcessSettings.problems(Command.of(Rendered.args(container)), Rendered.asMap(typo.configFile(w))));
        }
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("num.standby.replica") || problems.get(1).contains("num.standby.replica"), problems::toString);
        // A key of another component is dead where it is set: the reconciler reads no scanner settings.
        assertFalse(ProcessSettings.problems(Command.RUN_RECONCILER, Map.of("holdfast.scan.interval.ms", "5000")).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void noSecretIsInAConfigMapAndEverySecretComesFromASecret(Rendered rendered) {
        Set<String> secrets = ProcessSettings.secretKeys();
        for (JsonNode cm : rendered.ofKind("ConfigMap")) {
            cm.path("data").fields().forEachRemaining(entry -> {
                for (String line : entry.getValue().asText().split("\n")) {
                    String key = line.contains("=") ? line.substring(0, line.indexOf('=')).trim() : "";
                    assertFalse(secrets.contains(key), () -> Rendered.name(cm) + " holds the secret " + key);
                }
            });
        }
        for (JsonNode w : rendered.workloads()) {
            for (JsonNode e : Rendered.onlyContainer(w).path("env")) {
                Optional<String> key = ProcessSettings.keyOfEnvironment(e.path("name").asText());
                if (key.isPresent() && secrets.contains(key.get())) {
                    assertTrue(e.path("valueFrom").has("secretKeyRef"), () -> Rendered.name(w) + ": " + e + " is not from a Secret");
                }
            }
        }
    }

    @Test
    void secretsAreReadFromTheNamedSecrets() {
        Map<String, Map<String, String>> expected = Map.of(
                "holdfast-reconciler", Map.of("HOLDFAST_SASL_JAAS_CONFIG", "kafka-sasl", "HOLDFAST_SSL_TRUSTSTORE_PASSWORD", "kafka-tls",
                        "HOLDFAST_BASIC_AUTH_USER_INFO", "registry-auth"),
                "holdfast-binlog", Map.of("HOLDFAST_SASL_JAAS_CONFIG", "kafka-sasl", "HOLDFAST_DB_PASSWORD", "holdfast-db"),
                "holdfast-scanner", Map.of("HOLDFAST_S3_ACCESS_KEY_ID", "holdfast-s3", "HOLDFAST_S3_SECRET_ACCESS_KEY", "holdfast-s3"),
                "holdfast-reconcile-executor", Map.of("HOLDFAST_DB_PASSWORD", "holdfast-db", "HOLDFAST_S3_SECRET_ACCESS_KEY", "holdfast-s3"),
                "holdfast-topics-1", Map.of("HOLDFAST_SASL_JAAS_CONFIG", "kafka-sasl"));
        for (JsonNode w : overrides.workloads()) {
            Map<String, String> env = Rendered.environment(Rendered.onlyContainer(w));
            expected.getOrDefault(Rendered.name(w), Map.of()).forEach((name, secret) ->
                    assertEquals("secret:" + secret, env.get(name), () -> Rendered.name(w) + " " + name));
            // The trust store the file names is on the mounted TLS Secret.
            Map<String, String> file = Rendered.asMap(overrides.configFile(w));
            assertEquals("SASL_SSL", file.get("security.protocol"), Rendered.name(w));
            String truststore = file.get("ssl.truststore.location");
            assertTrue(mountedFromSecret(w, truststore, "kafka-tls"), () -> Rendered.name(w) + ": " + truststore);
        }
        // Without secret names nothing is read from a Secret (the AWS chain, a cluster without SASL).
        for (JsonNode w : defaults.workloads()) {
            for (JsonNode e : Rendered.onlyContainer(w).path("env")) {
                assertFalse(e.path("valueFrom").has("secretKeyRef"), () -> Rendered.name(w) + ": " + e);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void streamAppsKeepStateOnTheirVolumeAndJoinUnderTheirPodName(Rendered rendered, int replicas, int standbys) {
        List<JsonNode> statefulSets = rendered.ofKind("StatefulSet");
        assertEquals(2, statefulSets.size());
        for (JsonNode sts : statefulSets) {
            String name = Rendered.name(sts);
            JsonNode container = Rendered.onlyContainer(sts);
            Map<String, String> settings = effective(rendered, sts);
            assertEquals(replicas, sts.path("spec").path("replicas").asInt(), name);
            assertEquals(String.valueOf(standbys), settings.get("num.standby.replicas"), name);

            String stateDir = settings.get("state.dir");
            assertTrue(stateDir != null && stateDir.startsWith("/"), () -> name + " state.dir " + stateDir);
            boolean claimed = false;
            for (JsonNode claim : sts.path("spec").path("volumeClaimTemplates")) {
                claimed |= "state".equals(claim.path("metadata").path("name").asText());
            }
            assertTrue(claimed, name + " has no volumeClaimTemplate 'state'");
            assertEquals(Optional.of(stateDir), mountPath(container, "state"), name);

            JsonNode instanceId = Rendered.env(container, "HOLDFAST_GROUP_INSTANCE_ID").orElseThrow(() -> new AssertionError(name));
            assertEquals("metadata.name", instanceId.path("valueFrom").path("fieldRef").path("fieldPath").asText(), name);
            assertEquals(Optional.of("group.instance.id"), ProcessSettings.keyOfEnvironment("HOLDFAST_GROUP_INSTANCE_ID"));
        }
        assertEquals("/data/streams", effective(overrides, overrides.get("StatefulSet", "holdfast-reconciler")).get("state.dir"));
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void queriesRouteToTheOwningPodThroughAHeadlessService(Rendered rendered) {
        for (JsonNode sts : rendered.ofKind("StatefulSet")) {
            String name = Rendered.name(sts);
            JsonNode container = Rendered.onlyContainer(sts);
            Map<String, String> settings = effective(rendered, sts);
            String serviceName = sts.path("spec").path("serviceName").asText();
            JsonNode service = rendered.get("Service", serviceName);
            assertEquals("None", service.path("spec").path("clusterIP").asText(), serviceName + " is not headless");
            assertTrue(selects(service.path("spec").path("selector"), podLabels(sts)), serviceName + " does not select " + name);
            int port = Integer.parseInt(settings.get("holdfast.http.port"));
            JsonNode servicePort = service.path("spec").path("ports").get(0);
            assertEquals(port, Rendered.containerPort(container, servicePort.path("targetPort")), serviceName);

            assertEquals("0.0.0.0", settings.get("holdfast.http.bind.address"), name);
            assertEquals("$(POD_NAME)." + serviceName + ".$(POD_NAMESPACE).svc.cluster.local",
                    settings.get("holdfast.http.advertised.host"), name);
            // Kubernetes expands $(VAR) only from variables defined earlier in the list.
            List<String> names = new ArrayList<>(Rendered.environment(container).keySet());
            int advertised = names.indexOf("HOLDFAST_HTTP_ADVERTISED_HOST");
            for (String[] ref : new String[][] {{"POD_NAME", "metadata.name"}, {"POD_NAMESPACE", "metadata.namespace"}}) {
                assertTrue(names.indexOf(ref[0]) >= 0 && names.indexOf(ref[0]) < advertised, name + " " + ref[0]);
                assertEquals(ref[1], Rendered.env(container, ref[0]).orElseThrow().path("valueFrom").path("fieldRef").path("fieldPath").asText());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void probesAskTheAppsLiveAndReadyOnItsHttpPort(Rendered rendered) {
        List<String> probed = new ArrayList<>();
        for (JsonNode w : rendered.workloads()) {
            String name = Rendered.name(w);
            JsonNode container = Rendered.onlyContainer(w);
            Command command = Command.of(Rendered.args(container));
            if (RUN_TO_COMPLETION.contains(command)) {
                assertFalse(container.has("livenessProbe") || container.has("readinessProbe") || container.has("startupProbe"),
                        () -> name + " runs to completion, yet is probed");
                continue;
            }
            // Every long-running process serves /live and /ready, and is probed on them.
            assertTrue(SERVED.containsKey(command), () -> name + " runs " + command + ", which serves nothing this test knows");
            probed.add(name);
            // The port comes from the properties file (these commands' own default is a free port), on every interface.
            Map<String, String> file = Rendered.asMap(rendered.configFile(w));
            String filePort = file.get("holdfast.http.port");
            assertTrue(filePort != null && Integer.parseInt(filePort) > 0, () -> name + " holdfast.http.port in its file: " + filePort);
            assertEquals("0.0.0.0", file.get("holdfast.http.bind.address"), name);
            int port = Integer.parseInt(effective(rendered, w).get("holdfast.http.port"));
            assertEquals(Integer.parseInt(filePort), port, () -> name + ": the environment moves the port");
            assertEquals(port, Rendered.containerPort(container, TextNode.valueOf("http")),
                    () -> name + " container port http");
            assertEquals("/live", container.path("livenessProbe").path("httpGet").path("path").asText(), name);
            assertEquals("/ready", container.path("readinessProbe").path("httpGet").path("path").asText(), name);
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                assertEquals("http", container.path(probe).path("httpGet").path("port").asText(), () -> name + " " + probe);
                assertEquals(port, Rendered.containerPort(container, container.path(probe).path("httpGet").path("port")),
                        () -> name + " " + probe);
            }
        }
        List<String> expected = new ArrayList<>(List.of("holdfast-reconciler", "holdfast-health", "holdfast-binlog", "holdfast-scanner",
                "holdfast-reconcile-executor"));
        if (rendered == overrides) {
            expected.addAll(List.of("holdfast-fleet-executor", "holdfast-cloudwatch", "holdfast-agent"));
        }
        assertEquals(expected, probed);
        assertEquals(9090, Integer.parseInt(effective(overrides, overrides.get("StatefulSet", "holdfast-reconciler")).get("holdfast.http.port")));
        assertEquals(9191, Integer.parseInt(effective(overrides, overrides.get("Deployment", "holdfast-scanner")).get("holdfast.http.port")));
        assertEquals(9292, Integer.parseInt(effective(overrides, overrides.get("DaemonSet", "holdfast-agent")).get("holdfast.http.port")));
    }

    @Test
    void probedEndpointsAreServed() throws IOException {
        for (Map.Entry<Command, String> e : HTTP_SOURCE.entrySet()) {
            String source = Files.readString(Repo.root().resolve(e.getValue()), StandardCharsets.UTF_8);
            for (String path : SERVED.get(e.getKey())) {
                assertTrue(source.contains(".route(\"" + path + "\""), () -> e.getValue() + " routes no " + path);
            }
        }
        for (Map.Entry<Command, String> e : COMMAND_SOURCE.entrySet()) {
            String source = Files.readString(Repo.root().resolve(e.getValue()), StandardCharsets.UTF_8);
            assertTrue(source.contains("new ProcessEndpoints()") && source.contains(".serve(settings, "),
                    () -> e.getValue() + " does not serve " + e.getKey() + "'s endpoints");
        }
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void eachStreamAppHasADisruptionBudgetOverItsOwnPods(Rendered rendered) {
        for (JsonNode sts : rendered.ofKind("StatefulSet")) {
            List<String> budgets = new ArrayList<>();
            for (JsonNode pdb : rendered.ofKind("PodDisruptionBudget")) {
                if (selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels(sts))) {
                    budgets.add(Rendered.name(pdb));
                    assertTrue(pdb.path("spec").has("maxUnavailable") || pdb.path("spec").has("minAvailable"));
                    for (JsonNode other : rendered.workloads()) {
                        if (other != sts) {
                            assertFalse(selects(pdb.path("spec").path("selector").path("matchLabels"), podLabels(other)),
                                    () -> Rendered.name(pdb) + " also selects " + Rendered.name(other));
                        }
                    }
                }
            }
            assertEquals(1, budgets.size(), () -> Rendered.name(sts) + ": " + budgets);
        }
    }

    @ParameterizedTest
    @MethodSource("bothRenders")
    void serviceMonitorScrapesMetricsOnPortsThatExist(Rendered rendered) {
        List<JsonNode> monitors = rendered.ofKind("ServiceMonitor");
        assertEquals(1, monitors.size());
        JsonNode selector = monitors.get(0).path("spec").path("selector");
        List<String> scraped = new ArrayList<>();
        for (JsonNode service : rendered.ofKind("Service")) {
            if (!matches(selector, service.path("metadata").path("labels"))) {
                continue;
            }
            scraped.add(Rendered.name(service));
            JsonNode pods = workloadSelectedBy(rendered, service);
            Command command = Command.of(Rendered.args(Rendered.onlyContainer(pods)));
            for (JsonNode endpoint : monitors.get(0).path("spec").path("endpoints")) {
                String path = endpoint.path("path").asText();
                assertTrue(SERVED.getOrDefault(command, Set.of()).contains(path), () -> Rendered.name(service) + " serves no " + path);
                JsonNode port = null;
                for (JsonNode p : service.path("spec").path("ports")) {
                    if (endpoint.path("port").asText().equals(p.path("name").asText())) {
                        port = p;
                    }
                }
                assertTrue(port != null, () -> Rendered.name(service) + " has no port " + endpoint.path("port"));
                assertEquals(Integer.parseInt(effective(rendered, pods).get("holdfast.http.port")),
                        Rendered.containerPort(Rendered.onlyContainer(pods), port.path("targetPort")), Rendered.name(service));
            }
        }
        // Every process that serves /metrics is scraped, the optional ones too when they are on.
        List<String> expected = new ArrayList<>(List.of("holdfast-reconciler", "holdfast-health", "holdfast-binlog", "holdfast-scanner",
                "holdfast-reconcile-executor"));
        if (rendered == overrides) {
            expected.addAll(List.of("holdfast-fleet-executor", "holdfast-agent", "holdfast-cloudwatch"));
        }
        assertEquals(expected, scraped);
        for (JsonNode w : rendered.workloads()) {
            Command command = Command.of(Rendered.args(Rendered.onlyContainer(w)));
            if (SERVED.getOrDefault(command, Set.of()).contains("/metrics")) {
                assertTrue(scraped.contains(Rendered.name(w)), () -> Rendered.name(w) + " serves /metrics, but no scraped Service selects it");
            }
        }
    }

    @Test
    void valuesThatBreakTheSchemaFailTheRender() {
        assertRefused(Map.of("reconciler.replicas", "three"));
        assertRefused(Map.of("kafka.securityProtocol", "SASL"));
        assertRefused(Map.of("fleetExecutor.enabled", "true")); // no vtctld to reparent with
        assertRefused(Map.of("cloudwatch.enabled", "true")); // neither volume ids nor tag filters
        assertRefused(Map.of("cloudwatch.enabled", "true", "cloudwatch.volumeIds", "vol-1", "cloudwatch.tagFilters", "a=b"));
        assertRefused(Map.of("reconciler.replica", "3")); // a misspelled value
        assertRefused(Map.of("scanner.httpPort", "0")); // a free port: nothing could probe or scrape it
        assertRefused(Map.of(HelmChart.key("config", "holdfast.db.password"), "not-a-real-password")); // secrets stay in Secrets
        HelmChart.template(Map.of(HelmChart.key("config", "holdfast.db.pool.size"), "4")); // while settings pass
    }

    private static void assertRefused(Map<String, String> set) {
        try {
            HelmChart.template(set);
        } catch (RuntimeException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("schema"), () -> "refused, but not by the schema: " + e.getMessage());
            return;
        }
        fail("rendered despite " + set);
    }

    // --- helpers ---

    /** The settings a workload's process ends up with: its file, then the HOLDFAST_* environment. */
    static Map<String, String> effective(Rendered rendered, JsonNode workload) {
        Map<String, String> settings = new TreeMap<>(Rendered.asMap(rendered.configFile(workload)));
        settings.putAll(ProcessSettings.fromEnvironment(Rendered.environment(Rendered.onlyContainer(workload))));
        return settings;
    }

    private static String configMapOf(JsonNode workload) {
        for (JsonNode volume : Rendered.podSpec(workload).path("volumes")) {
            if ("config".equals(volume.path("name").asText())) {
                return volume.path("configMap").path("name").asText();
            }
        }
        throw new AssertionError(Rendered.name(workload) + " has no config volume");
    }

    private static Optional<String> mountPath(JsonNode container, String volume) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (volume.equals(mount.path("name").asText())) {
                return Optional.of(mount.path("mountPath").asText());
            }
        }
        return Optional.empty();
    }

    private static boolean mountedFromSecret(JsonNode workload, String file, String secret) {
        if (file == null) {
            return false;
        }
        for (JsonNode mount : Rendered.onlyContainer(workload).path("volumeMounts")) {
            if (file.startsWith(mount.path("mountPath").asText() + "/")) {
                for (JsonNode volume : Rendered.podSpec(workload).path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("name").asText())
                            && secret.equals(volume.path("secret").path("secretName").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static JsonNode podLabels(JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }

    /** {@code matchLabels} (or a Service selector) selects {@code labels}: every pair is among them. */
    static boolean selects(JsonNode matchLabels, JsonNode labels) {
        if (matchLabels.size() == 0) {
            return false;
        }
        Map<String, String> have = Rendered.labels(labels);
        Map<String, String> want = Rendered.labels(matchLabels);
        return want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    /** A label selector with matchLabels and matchExpressions (In) matches {@code labels}. */
    static boolean matches(JsonNode selector, JsonNode labels) {
        if (!selects(selector.path("matchLabels"), labels)) {
            return false;
        }
        Map<String, String> have = Rendered.labels(labels);
        for (JsonNode expr : selector.path("matchExpressions")) {
            if (!"In".equals(expr.path("operator").asText())) {
                throw new AssertionError("operator not checked here: " + expr);
            }
            boolean in = false;
            for (JsonNode v : expr.path("values")) {
                in |= v.asText().equals(have.get(expr.path("key").asText()));
            }
            if (!in) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode workloadSelectedBy(Rendered rendered, JsonNode service) {
        JsonNode found = null;
        for (JsonNode w : rendered.workloads()) {
            if (selects(service.path("spec").path("selector"), podLabels(w))) {
                if (found != null) {
                    throw new AssertionError(Rendered.name(service) + " selects two workloads");
                }
                found = w;
            }
        }
        if (found == null) {
            throw new AssertionError(Rendered.name(service) + " selects no pods");
        }
        return found;
    }
}
