package io.holdfast.launcher.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet simulator's ledger as its console prints it ({@code holdfast sim fleet}, the {@code ledger}
 * command; {@code SimulatorConsole.ledger}): one line per injected event and shard, one per promotion,
 * one per split-brain moment. The simulator runs as its own process, so this text is how a checker
 * outside it learns what happened to the fleet.
 */
public record SimulatorLedger(List<Entry> entries, List<Promotion> promotions, List<String> splitBrains) {

    /** One injected event on one shard: whether customers still wait, how many reparents it took, whether it was replaced and retired. */
    public record Entry(long injectionId, String kind, String shardKey, boolean open, int reparents, boolean provisioned, boolean retired,
                        String line) {
        /** Closed, its replacement provisioned and its degraded volume retired: nothing left to do. */
        public boolean repaired() {
            return !open && provisioned && retired;
        }
    }

    /** A tablet made primary, with its lag and volume state at that moment as the simulator knew them. */
    public record Promotion(String shardKey, String tabletAlias, long term, Instant at, boolean emergency, String commandId, long lagMillis,
                            Optional<Instant> impairedSince, String line) {}

    private static final Pattern ENTRY = Pattern.compile(
            "#(\\d+) (\\S+) (\\S+) onset \\S+ impact (still open|[0-9.]+ s), (\\d+) reparent\\(s\\), replacement (provisioned|not provisioned), "
                    + "degraded volume (retired|not retired)");
    private static final Pattern PROMOTION = Pattern.compile(
            "PROMOTED (\\S+) (\\S+) term (\\d+) at (\\S+) (planned|emergency) command (\\S+) lag (-?\\d+) ms volume (healthy|impaired since (\\S+))");

    public SimulatorLedger {
        entries = List.copyOf(entries);
        promotions = List.copyOf(promotions);
        splitBrains = List.copyOf(splitBrains);
    }

    /**
     * The ledger in {@code text}: the lines of the last {@code ledger} answer in it (the console prints the
     * whole ledger each time; an answer starts with its entries and ends with the split-brain line(s)).
     */
    public static SimulatorLedger parse(String text) {
        String[] lines = text.split("\\R");
        int end = -1;
        for (int i = lines.length - 1; i >= 0 && end < 0; i--) {
            if (isSplitBrainLine(lines[i].trim())) {
                end = i;
            }
        }
        if (end < 0) {
            throw new IllegalArgumentException("no ledger in the simulator's output");
        }
        // Back over the answer's split-brain lines, then its entries and promotions, up to the previous answer's
        // split-brain section. Other lines (the simulator's log, written to the same output) are skipped.
        int start = end;
        while (start > 0 && lines[start - 1].trim().startsWith("SPLIT BRAIN ")) {
            start--;
        }
        while (start > 0 && !isSplitBrainLine(lines[start - 1].trim())) {
            start--;
        }
        List<Entry> entries = new ArrayList<>();
        List<Promotion> promotions = new ArrayList<>();
        List<String> splitBrains = new ArrayList<>();
        for (int i = start; i <= end; i++) {
            String l = lines[i].trim();
            Matcher m = ENTRY.matcher(l);
            if (m.matches()) {
                entries.add(new Entry(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4).equals("still open"),
                        Integer.parseInt(m.group(5)), m.group(6).equals("provisioned"), m.group(7).equals("retired"), l));
                continue;
            }
            Matcher p = PROMOTION.matcher(l);
            if (p.matches()) {
                promotions.add(new Promotion(p.group(1), p.group(2), Long.parseLong(p.group(3)), Instant.parse(p.group(4)),
                        p.group(5).equals("emergency"), p.group(6), Long.parseLong(p.group(7)),
                        Optional.ofNullable(p.group(9)).map(Instant::parse), l));
                continue;
            }
            if (l.startsWith("SPLIT BRAIN ")) {
                splitBrains.add(l);
            }
        }
        return new SimulatorLedger(entries, promotions, splitBrains);
    }

    private static boolean isSplitBrainLine(String l) {
        return l.startsWith("split-brain moments: none") || l.startsWith("SPLIT BRAIN ");
    }
}
