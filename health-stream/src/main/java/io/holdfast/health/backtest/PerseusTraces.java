package io.holdfast.health.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Traces in the Perseus format: {@code cluster_X/host_N/YYYY-MM-DD.csv[.gz]} with columns
 * {@code ts,disk_id,throughput,latency} (Unix seconds, bytes per second, microseconds; any value
 * may be {@code NA}). A host is one peer group; its rows are read whole and put in event-time order.
 */
public final class PerseusTraces {

    /** One host of one cluster: where its files are. */
    public record Host(String cluster, String host, List<Path> files) {
    }

    /** The rows of one host in time order (parallel arrays; NaN for NA). */
    public record HostRows(Host host, String[] disks, int[] disk, long[] tsMs, double[] throughput, double[] latency,
                           int naRows) {
        public int size() {
            return tsMs.length;
        }
    }

    private PerseusTraces() {}

    /** The hosts under {@code dir}: a {@code cluster_*} directory itself, or a directory holding several. */
    public static List<Host> discover(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        List<Path> clusters = new ArrayList<>();
        if (hasHostDirectories(dir)) {
            clusters.add(dir);
        } else {
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(Files::isDirectory).filter(PerseusTraces::hasHostDirectories).sorted().forEach(clusters::add);
            }
        }
        List<Host> hosts = new ArrayList<>();
        for (Path cluster : clusters) {
            try (Stream<Path> children = Files.list(cluster)) {
                for (Path host : children.filter(Files::isDirectory).sorted(naturalOrder()).toList()) {
                    List<Path> files;
                    try (Stream<Path> f = Files.list(host)) {
                        files = f.filter(p -> p.getFileName().toString().endsWith(".csv")
                                || p.getFileName().toString().endsWith(".csv.gz")).sorted().toList();
                    }
                    if (!files.isEmpty()) {
                        hosts.add(new Host(cluster.getFileName().toString(), host.getFileName().toString(), files));
                    }
                }
            }
        }
        if (hosts.isEmpty()) {
            throw new IOException("no Perseus traces (cluster_X/host_N/*.csv[.gz]) under " + dir);
        }
        return hosts;
    }

    private static boolean hasHostDirectories(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("host"));
        } catch (IOException e) {
            return false;
        }
    }

    /** host_2 before host_10. */
    private static Comparator<Path> naturalOrder() {
        return Comparator.comparing((Path p) -> p.getFileName().toString().replaceAll("\\d+", ""))
                .thenComparingLong(p -> {
                    String digits = p.getFileName().toString().replaceAll("\\D+", "");
                    return digits.isEmpty() ? 0 : Long.parseLong(digits.substring(0, Math.min(18, digits.length())));
                });
    }

    /** Reads every file of a host and orders the rows by time (then disk). */
    public static HostRows read(Host host) {
        Map<String, Integer> diskIds = new HashMap<>();
        List<String> disks = new ArrayList<>();
        GrowingRows rows = new GrowingRows();
        int na = 0;
        for (Path file : host.files()) {
            try (InputStream raw = Files.newInputStream(file);
                 InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                String line = reader.readLine(); // header
                int lineNo = 1;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    if (line.isEmpty()) {
                        continue;
                    }
                    int c1 = line.indexOf(',');
                    int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
                    int c3 = c2 < 0 ? -1 : line.indexOf(',', c2 + 1);
                    if (c3 < 0) {
                        throw new IOException(file + ":" + lineNo + ": expected ts,disk_id,throughput,latency");
                    }
                    long ts = Long.parseLong(unquote(line, 0, c1));
                    String disk = unquote(line, c1 + 1, c2);
                    double tp = number(line, c2 + 1, c3);
                    double lat = number(line, c3 + 1, line.length());
                    if (Double.isNaN(tp) || Double.isNaN(lat)) {
                        na++;
                    }
                    Integer id = diskIds.get(disk);
                    if (id == null) {
                        id = disks.size();
                        diskIds.put(disk, id);
                        disks.add(disk);
                    }
                    rows.add(id, ts * 1000, tp, lat);
                }
            } catch (IOException | NumberFormatException e) {
                throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e.getMessage(), e));
            }
        }
        return rows.sorted(host, disks.toArray(String[]::new), na);
    }

    private static String unquote(String line, int from, int to) {
        if (to - from >= 2 && line.charAt(from) == '"' && line.charAt(to - 1) == '"') {
            return line.substring(from + 1, to - 1);
        }
        return line.substring(from, to);
    }

    private static double number(String line, int from, int to) {
        String s = unquote(line, from, to).trim();
        if (s.isEmpty() || s.equals("NA")) {
            return Double.NaN;
        }
        return Double.parseDouble(s);
    }

    /** Parallel arrays that grow, then get sorted by (time, disk) once. */
    private static final class GrowingRows {
        int n;
        int[] disk = new int[1 << 16];
        long[] ts = new long[1 << 16];
        double[] tp = new double[1 << 16];
        double[] lat = new double[1 << 16];

        void add(int d, long t, double throughput, double latency) {
            if (n == ts.length) {
                int cap = n * 2;
                disk = java.util.Arrays.copyOf(disk, cap);
                ts = java.util.Arrays.copyOf(ts, cap);
                tp = java.util.Arrays.copyOf(tp, cap);
                lat = java.util.Arrays.copyOf(lat, cap);
            }
            disk[n] = d;
            ts[n] = t;
            tp[n] = throughput;
            lat[n] = latency;
            n++;
        }

        HostRows sorted(Host host, String[] disks, int na) {
            // Sort keys: time in the high bits, disk index in the low 20 bits, then the row's index.
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = ((ts[i] / 1000) << 20) | disk[i];
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
            int[] d = new int[n];
            long[] t = new long[n];
            double[] p = new double[n];
            double[] l = new double[n];
            for (int i = 0; i < n; i++) {
                int k = order[i];
                d[i] = disk[k];
                t[i] = ts[k];
                p[i] = tp[k];
                l[i] = lat[k];
            }
            return new HostRows(host, disks, d, t, p, l, na);
        }
    }
}
