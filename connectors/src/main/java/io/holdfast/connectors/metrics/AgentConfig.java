package io.holdfast.connectors.metrics;

import io.holdfast.connectors.metrics.internal.ConfigValidators;
import io.holdfast.topology.config.ConfigSources;
import io.holdfast.topology.config.HoldfastConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of {@code holdfast agent}: the base holdfast keys plus {@code holdfast.agent.*}. */
public final class AgentConfig extends HoldfastConfig {

    public static final String PERIOD_MS = "holdfast.agent.period.ms";
    public static final String DISKSTATS_PATH = "holdfast.agent.diskstats.path";
    public static final String DEVICE_INCLUDE = "holdfast.agent.device.include";
    public static final String DEVICE_EXCLUDE = "holdfast.agent.device.exclude";
    public static final String NODE = "holdfast.agent.node";
    public static final String CELL = "holdfast.agent.cell";
    public static final String PEER_GROUP = "holdfast.agent.peer.group";
    public static final String VOLUME_IDS = "holdfast.agent.volume.ids";
    public static final String PROGRESS_INTERVAL_MS = "holdfast.agent.progress.interval.ms";

    /**
     * Whole disks only: SCSI/SATA, virtio, Xen (older EC2), IDE, NVMe (EBS on Nitro) namespaces, and
     * SD/eMMC cards. Partitions (sda1, nvme0n1p1) and virtual devices (loop, ram, zram, dm-, md)
     * do not match.
     */
    public static final String DEFAULT_DEVICE_INCLUDE = "sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\\d+n\\d+|mmcblk\\d+";

    private static final ConfigDef DEFINITION = define(baseDefinition());

    public AgentConfig(Map<?, ?> props) {
        super(DEFINITION, props);
    }

    private AgentConfig(Map<?, ?> props, boolean refuseUnknownHoldfastKeys) {
        super(DEFINITION, props, refuseUnknownHoldfastKeys);
    }

    /** These settings out of {@code props} already validated against every component's keys (by the launcher). */
    public static AgentConfig ofValidated(Map<?, ?> props) {
        return new AgentConfig(props, false);
    }

    /** Loads defaults < {@code file} < {@code HOLDFAST_*} environment < {@code overrides}. */
    public static AgentConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return new AgentConfig(ConfigSources.merge(file, env, overrides, DEFINITION));
    }

    /** The base keys and the agent's. */
    public static ConfigDef fullDefinition() {
        return define(baseDefinition());
    }

    /** Adds the agent's keys to {@code definition} and returns it. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(PERIOD_MS, Type.LONG, 1_000L, Range.between(1_000, 60_000), Importance.HIGH,
                        "Sample period: /proc/diskstats is read this often and one VolumeMetric per device is published "
                                + "per period. A period is never shorter than this (a late read makes the next one later), "
                                + "and each sample carries the period it actually measured.")
                .define(DISKSTATS_PATH, Type.STRING, "/proc/diskstats", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "The kernel's block device statistics; another path only for testing.")
                .define(DEVICE_INCLUDE, Type.STRING, DEFAULT_DEVICE_INCLUDE, ConfigValidators.regex(false), Importance.MEDIUM,
                        "Devices to publish: a regular expression that must match the whole device name. The default "
                                + "keeps whole disks (sdX, vdX, xvdX, hdX, nvmeNnM, mmcblkN) and skips partitions and "
                                + "virtual devices (loop, ram, zram, dm-, md).")
                .define(DEVICE_EXCLUDE, Type.STRING, "", ConfigValidators.regex(true), Importance.MEDIUM,
                        "Devices never to publish, even when they match " + DEVICE_INCLUDE + ": a regular expression "
                                + "matching the whole device name; empty excludes nothing.")
                .define(NODE, Type.STRING, "", Importance.MEDIUM,
                        "Name of this node in the samples; empty means the host name.")
                .define(CELL, Type.STRING, "", Importance.MEDIUM,
                        "Cell (e.g. availability zone) of this node; empty leaves the samples' cell unset.")
                .define(PEER_GROUP, Type.STRING, "", Importance.MEDIUM,
                        "Peer group of every device of this node (volumes compared with each other to detect fail-slow); "
                                + "empty means the node.")
                .define(VOLUME_IDS, Type.LIST, "", ConfigValidators.assignments("nvme1n1=vol-0abc"), Importance.MEDIUM,
                        "Volume id of a device, as DEVICE=VOLUME_ID entries (e.g. the EBS volume behind an NVMe "
                                + "namespace); a device not listed is '<node>:<device>'.")
                .define(PROGRESS_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.LOW,
                        "How often the agent logs one line with the samples published, acknowledged and failed so far.");
    }

    public Duration period() {
        return Duration.ofMillis(getLong(PERIOD_MS));
    }

    public Path diskStatsPath() {
        return Path.of(getString(DISKSTATS_PATH));
    }

    public Pattern deviceInclude() {
        return Pattern.compile(getString(DEVICE_INCLUDE));
    }

    /** Empty when nothing is excluded. */
    public Optional<Pattern> deviceExclude() {
        String exclude = getString(DEVICE_EXCLUDE);
        return exclude.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(exclude));
    }

    /** The configured node name, else this host's name. */
    public String node() {
        String node = getString(NODE).trim();
        return node.isEmpty() ? hostName() : node;
    }

    public Optional<String> cell() {
        String cell = getString(CELL).trim();
        return cell.isEmpty() ? Optional.empty() : Optional.of(cell);
    }

    /** The configured peer group, else the node. */
    public String peerGroup() {
        String group = getString(PEER_GROUP).trim();
        return group.isEmpty() ? node() : group;
    }

    /** Device name to volume id, as configured. */
    public Map<String, String> volumeIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        List<String> entries = getList(VOLUME_IDS);
        for (String entry : entries) {
            String[] pair = ConfigValidators.assignment(entry);
            ids.put(pair[0], pair[1]);
        }
        return ids;
    }

    public Duration progressInterval() {
        return Duration.ofMillis(getLong(PROGRESS_INTERVAL_MS));
    }

    /** The kernel's host name (what `hostname` prints), without a DNS lookup; the JDK's as a fallback. */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or /proc hidden: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
