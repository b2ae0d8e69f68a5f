package io.holdfast.launcher.internal;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.Injection;
import io.holdfast.connectors.fleet.LedgerEntry;
import io.holdfast.connectors.fleet.Promotion;
import io.holdfast.connectors.fleet.SplitBrainMoment;
import io.holdfast.schemas.FleetCommandType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lines typed at {@code holdfast sim fleet}'s terminal, turned into calls of the simulator's API:
 * injections, command faults, the ledger. Each line gets a one-line answer (the ledger, one line per
 * entry); a mistake is answered with what was expected, and the simulator goes on.
 */
public final class SimulatorConsole {

    static final String HELP = String.join(System.lineSeparator(),
            "degrade-primary SHARD SECONDS [LATENCY_MS]   the primary's volume degrades (default 300 ms per operation)",
            "stall-primary SHARD SECONDS                  the primary's volume stalls; the tablet becomes unreachable",
            "degrade-cell CELL SHARE SECONDS              SHARE (0-1) of the cell's volumes degrade together",
            "degrade-replica SHARD SECONDS                a replica degrades",
            "degrade-candidate SHARD SECONDS              the replica most likely to be promoted degrades",
            "fail-next TYPE [SHARD]                       the next command of TYPE (REPARENT, FENCE, PROVISION_VOLUME, RETIRE_VOLUME) fails",
            "time-out-next TYPE [SHARD]                   the next command of TYPE is never answered",
            "ledger                                       impact windows, promotions and split-brain moments so far",
            "status                                       the status line now");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final FleetSimulator simulator;

    public SimulatorConsole(FleetSimulator simulator) {
        this.simulator = simulator;
    }

    /** Reads lines from {@code in} on a daemon thread until it ends, answering each on {@code out}. */
    public void startReading(InputStream in, PrintWriter out) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.isBlank()) {
                        out.println(handle(line));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // stdin closed under us: the console simply ends, the simulator goes on
            }
        }, "holdfast-sim-console");
        reader.setDaemon(true);
        reader.start();
    }

    /** The answer to one line. */
    public String handle(String line) {
        String[] words = line.trim().split("\\s+");
        try {
            return switch (words[0].toLowerCase(Locale.ROOT)) {
                case "degrade-primary" -> injected(simulator.degradePrimary(arg(words, 1, "SHARD"), seconds(words, 2),
                        words.length > 3 ? Double.parseDouble(words[3]) : 300));
                case "stall-primary" -> injected(simulator.stallPrimary(arg(words, 1, "SHARD"), seconds(words, 2)));
                case "degrade-cell" -> injected(simulator.degradeCell(arg(words, 1, "CELL"), Double.parseDouble(arg(words, 2, "SHARE")),
                        seconds(words, 3)));
                case "degrade-replica" -> injected(simulator.degradeReplica(arg(words, 1, "SHARD"), seconds(words, 2)));
                case "degrade-candidate" -> injected(simulator.degradeCandidate(arg(words, 1, "SHARD"), seconds(words, 2)));
                case "fail-next" -> {
                    FleetCommandType type = type(arg(words, 1, "TYPE"));
                    simulator.failNext(type, words.length > 2 ? words[2] : null);
                    yield "the next " + type + (words.length > 2 ? " of " + words[2] : "") + " will fail";
                }
                case "time-out-next" -> {
                    FleetCommandType type = type(arg(words, 1, "TYPE"));
                    simulator.timeOutNext(type, words.length > 2 ? words[2] : null);
                    yield "the next " + type + (words.length > 2 ? " of " + words[2] : "") + " will not be answered";
                }
                case "ledger" -> String.join(System.lineSeparator(), ledger(simulator));
                case "status" -> simulator.status().oneLine();
                case "help", "?" -> HELP;
                default -> "unknown: '" + words[0] + "'; type help";
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "not done: " + e.getMessage();
        }
    }

    /**
     * The ledger as lines: one per entry, one per promotion (the new primary's lag and volume when it was promoted,
     * full timestamps so that a checker can set them against the command's decision time), then the split-brain moments,
     * then {@value #LEDGER_END}.
     */
    public static List<String> ledger(FleetSimulator simulator) {
        List<String> lines = new ArrayList<>();
        List<LedgerEntry> entries = simulator.ledger();
        if (entries.isEmpty()) {
            lines.add("ledger: no injected event yet");
        }
        for (LedgerEntry e : entries) {
            lines.add(String.format("#%d %s %s onset %s impact %s, %d reparent(s), replacement %s, degraded volume %s", e.injectionId(),
                    e.kind(), e.shardKey(), CLOCK.format(e.onset()),
                    e.impactWindow().map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000d)).orElse("still open"),
                    e.reparents(), e.replacementProvisioned() ? "provisioned" : "not provisioned",
                    e.degradedVolumeRetired() ? "retired" : "not retired"));
        }
        for (Promotion p : simulator.promotions()) {
            lines.add(promotionLine(p));
        }
        List<SplitBrainMoment> moments = simulator.splitBrainMoments();
        if (moments.isEmpty()) {
            lines.add("split-brain moments: none");
        }
        for (SplitBrainMoment m : moments) {
            lines.add("SPLIT BRAIN " + m.shardKey() + " from " + CLOCK.format(m.from()) + " until "
                    + m.until().map(CLOCK::format).orElse("now") + ": " + String.join(", ", m.writablePrimaries()));
        }
        // A reader of the output (holdfast chaos) knows the answer is whole only when it sees this line.
        lines.add(LEDGER_END);
        return lines;
    }

    /** The last line of every {@code ledger} answer. */
    public static final String LEDGER_END = "ledger: end";

    /** {@code PROMOTED <shard key> <alias> term <n> at <instant> <planned|emergency> command <id> lag <ms> ms volume <healthy|impaired since <instant>>}. */
    public static String promotionLine(Promotion p) {
        return "PROMOTED " + p.shardKey() + " " + p.tabletAlias() + " term " + p.term() + " at " + p.at() + " "
                + (p.emergency() ? "emergency" : "planned") + " command " + p.commandId() + " lag " + p.lagMillis() + " ms volume "
                + p.impairedSince().map(since -> "impaired since " + since).orElse("healthy");
    }

    private static String injected(Injection injection) {
        return "injected #" + injection.id() + " " + injection.kind() + " at " + CLOCK.format(injection.onset()) + " for "
                + injection.duration().toSeconds() + " s on " + String.join(", ", injection.tabletAliases());
    }

    private static String arg(String[] words, int index, String name) {
        if (words.length <= index) {
            throw new IllegalArgumentException(words[0] + " needs " + name + " (type help)");
        }
        return words[index];
    }

    private static Duration seconds(String[] words, int index) {
        return Duration.ofMillis(Math.round(Double.parseDouble(arg(words, index, "SECONDS")) * 1000));
    }

    /** A command type and, optionally, a shard: {@code TYPE} or {@code TYPE:SHARD} (startup options use the latter). */
    public static FleetCommandType type(String text) {
        try {
            return FleetCommandType.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not one of REPARENT, FENCE, PROVISION_VOLUME, RETIRE_VOLUME");
        }
    }
}
