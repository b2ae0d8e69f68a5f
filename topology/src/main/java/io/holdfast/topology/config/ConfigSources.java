package io.holdfast.topology.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Merges the places a setting can come from. Precedence, lowest first:
 * <ol>
 *   <li>the documented default of each key (its {@link ConfigDef});</li>
 *   <li>the properties file ({@code --config FILE});</li>
 *   <li>the environment: {@code HOLDFAST_<KEY>} with {@code _} for {@code .} and {@code __} for a
 *       literal {@code _}; a name that matches a holdfast key without its {@code holdfast.} prefix
 *       means that key ({@code HOLDFAST_HTTP_PORT} is {@code holdfast.http.port}), anything else is
 *       a Kafka client/Streams key ({@code HOLDFAST_BOOTSTRAP_SERVERS} is {@code bootstrap.servers});</li>
 *   <li>explicit overrides (command-line {@code --set key=value}).</li>
 * </ol>
 * Environment variables that configure the launcher itself (see {@link #RESERVED_ENV}) are not settings.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "HOLDFAST_";

    /** Environment variables read by the launcher and the embedded stack, never turned into settings. */
    public static final Set<String> RESERVED_ENV = Set.of(
            "HOLDFAST_HOME", "HOLDFAST_CACHE_DIR", "HOLDFAST_OPTS", "HOLDFAST_JAVA_OPTS",
            "HOLDFAST_CONFIG", "HOLDFAST_LOG_LEVEL", "HOLDFAST_DEV_DIR");

    private ConfigSources() {}

    /** Reads a properties file; a missing or unreadable file is a one-line {@link ConfigException}. */
    public static Map<String, String> fromFile(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Config file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            values.put(name.trim(), props.getProperty(name).trim());
        }
        return values;
    }

    /** The settings named by {@code HOLDFAST_*} variables of {@code env}, resolved against {@code definition}. */
    public static Map<String, String> fromEnvironment(Map<String, String> env, ConfigDef definition) {
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || RESERVED_ENV.contains(name) || name.length() == ENV_PREFIX.length()) {
                continue;
            }
            values.put(keyForEnvironmentName(name, definition), e.getValue());
        }
        return values;
    }

    static String keyForEnvironmentName(String name, ConfigDef definition) {
        String raw = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        String key = raw.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
        if (!definition.names().contains(key) && definition.names().contains("holdfast." + key)) {
            return "holdfast." + key;
        }
        return key;
    }

    /** Defaults < file < environment < overrides. */
    public static Map<String, String> merge(Optional<Path> file, Map<String, String> env,
                                            Map<String, String> overrides, ConfigDef definition) {
        Map<String, String> merged = new LinkedHashMap<>();
        file.ifPresent(f -> merged.putAll(fromFile(f)));
        merged.putAll(fromEnvironment(env, definition));
        merged.putAll(overrides);
        return merged;
    }
}
