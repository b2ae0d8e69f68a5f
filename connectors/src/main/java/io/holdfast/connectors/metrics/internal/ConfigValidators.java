package io.holdfast.connectors.metrics.internal;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators for the metric producers' settings, with the one-line messages Kafka's config prints. */
public final class ConfigValidators {

    private ConfigValidators() {}

    /** A Java regular expression; empty is allowed when {@code emptyAllowed}. */
    public static ConfigDef.Validator regex(boolean emptyAllowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = (String) value;
                if (text == null || text.isEmpty()) {
                    if (!emptyAllowed) {
                        throw new ConfigException(name, value, "must be a regular expression");
                    }
                    return;
                }
                try {
                    Pattern.compile(text);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
                }
            }

            @Override
            public String toString() {
                return emptyAllowed ? "a regular expression, or empty" : "a regular expression";
            }
        };
    }

    /** A list of {@code NAME=VALUE} entries with non-empty names and values. */
    public static ConfigDef.Validator assignments(String example) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> entries = (List<String>) value;
                for (String entry : entries) {
                    int eq = entry.indexOf('=');
                    if (eq <= 0 || eq == entry.length() - 1) {
                        throw new ConfigException(name, value, "every entry must be NAME=VALUE (e.g. " + example + "), not '" + entry + "'");
                    }
                }
            }

            @Override
            public String toString() {
                return "NAME=VALUE,... (e.g. " + example + ")";
            }
        };
    }

    /** Splits {@code NAME=VALUE} at the first '='. */
    public static String[] assignment(String entry) {
        int eq = entry.indexOf('=');
        return new String[] {entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()};
    }
}
