package io.holdfast.health.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Drives verified as fail-slow, in the {@code slow_drive_info.csv} format: {@code cluster,host_name,workload,disk_id}. */
public final class Labels {

    private final Set<String> slow;

    private Labels(Set<String> slow) {
        this.slow = slow;
    }

    public static Labels read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("cluster,host_name")) {
            throw new IOException(file + ": expected a header cluster,host_name,workload,disk_id");
        }
        Set<String> slow = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 4) {
                throw new IOException(file + ":" + (i + 1) + ": expected cluster,host_name,workload,disk_id");
            }
            slow.add(key(f[0], f[1], f[3]));
        }
        return new Labels(slow);
    }

    public boolean isSlow(String cluster, String host, String disk) {
        return slow.contains(key(cluster, host, disk));
    }

    private static String key(String cluster, String host, String disk) {
        return cluster.trim() + "/" + host.trim() + "/" + disk.trim();
    }
}
