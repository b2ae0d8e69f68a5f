package io.holdfast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** A chart's rendered objects, parsed, with the look-ups the tests make in them. */
final class Rendered {

    static final ObjectMapper YAML = new YAMLMapper();

    final String text;
    final List<JsonNode> objects;

    Rendered(String text) {
        this.text = text;
        this.objects = parseAll(text);
    }

    static List<JsonNode> parseAll(String yaml) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            var parser = new YAMLFactory().createParser(yaml);
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).collect(Collectors.toList());
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the render"));
    }

    /** StatefulSets, Deployments, DaemonSets and Jobs. */
    List<JsonNode> workloads() {
        List<JsonNode> w = new ArrayList<>(ofKind("StatefulSet"));
        w.addAll(ofKind("Deployment"));
        w.addAll(ofKind("DaemonSet"));
        w.addAll(ofKind("Job"));
        return w;
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static JsonNode onlyContainer(JsonNode workload) {
        JsonNode containers = podSpec(workload).path("containers");
        if (containers.size() != 1) {
            throw new AssertionError(name(workload) + " has " + containers.size() + " containers");
        }
        return containers.get(0);
    }

    static List<String> args(JsonNode container) {
        return StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).collect(Collectors.toList());
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new TreeMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static Optional<JsonNode> env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The environment as the process sees it: plain values as they are, values from the downward API
     * or a Secret as a stand-in naming their source ({@code field-<path>}, {@code secret:<name>}, the
     * latter shaped to pass a user:password check): what matters here is which key they set.
     */
    static Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            JsonNode from = e.path("valueFrom");
            String value = from.isMissingNode() ? e.path("value").asText()
                    : from.has("fieldRef") ? "field-" + from.path("fieldRef").path("fieldPath").asText()
                    : "secret:" + from.path("secretKeyRef").path("name").asText();
            env.put(e.path("name").asText(), value);
        }
        return env;
    }

    /** The properties file a workload's container is given with --config, read from its ConfigMap. */
    Properties configFile(JsonNode workload) {
        JsonNode container = onlyContainer(workload);
        List<String> args = args(container);
        int at = args.indexOf("--config");
        if (at < 0 || at + 1 >= args.size()) {
            throw new AssertionError(name(workload) + " runs without --config: " + args);
        }
        String file = args.get(at + 1);
        for (JsonNode mount : container.path("volumeMounts")) {
            String dir = mount.path("mountPath").asText();
            if (file.startsWith(dir + "/")) {
                String volumeName = mount.path("name").asText();
                for (JsonNode volume : podSpec(workload).path("volumes")) {
                    if (volumeName.equals(volume.path("name").asText()) && volume.has("configMap")) {
                        JsonNode configMap = get("ConfigMap", volume.path("configMap").path("name").asText());
                        String key = file.substring(dir.length() + 1);
                        JsonNode data = configMap.path("data").path(key);
                        if (data.isMissingNode()) {
                            throw new AssertionError("ConfigMap " + name(configMap) + " has no " + key);
                        }
                        Properties p = new Properties();
                        try {
                            p.load(new StringReader(data.asText()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        return p;
                    }
                }
            }
        }
        throw new AssertionError(name(workload) + ": " + file + " is on no ConfigMap volume");
    }

    static Map<String, String> asMap(Properties p) {
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The port number a probe or a Service's targetPort names, in {@code container}. */
    static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (port.asText().equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + port.asText());
    }
}
