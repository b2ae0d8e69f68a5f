package io.holdfast.health.backtest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Drive-level precision, recall and F1 of the verdicts against the labels, per cluster. */
public record Scores(String cluster, int drives, int truePositives, int falsePositives, int falseNegatives) {

    public double precision() {
        int flagged = truePositives + falsePositives;
        return flagged == 0 ? (falseNegatives == 0 ? 1 : 0) : (double) truePositives / flagged;
    }

    public double recall() {
        int slow = truePositives + falseNegatives;
        return slow == 0 ? 1 : (double) truePositives / slow;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public static Map<String, Scores> perCluster(List<DriveResult> results, Labels labels) {
        Map<String, int[]> counts = new TreeMap<>();
        for (DriveResult d : results) {
            int[] c = counts.computeIfAbsent(d.cluster(), k -> new int[4]);
            boolean truth = labels.isSlow(d.cluster(), d.host(), d.disk());
            c[0]++;
            if (d.slow() && truth) {
                c[1]++;
            } else if (d.slow()) {
                c[2]++;
            } else if (truth) {
                c[3]++;
            }
        }
        Map<String, Scores> scores = new TreeMap<>();
        counts.forEach((cluster, c) -> scores.put(cluster, new Scores(cluster, c[0], c[1], c[2], c[3])));
        return scores;
    }

    public static String table(Map<String, Scores> scores) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s %7s %4s %4s %4s %9s %7s %6s%n",
                "cluster", "drives", "TP", "FP", "FN", "precision", "recall", "F1"));
        for (Scores s : scores.values()) {
            sb.append(String.format(Locale.ROOT, "%-12s %7d %4d %4d %4d %9.3f %7.3f %6.3f%n", s.cluster(), s.drives(),
                    s.truePositives(), s.falsePositives(), s.falseNegatives(), s.precision(), s.recall(), s.f1()));
        }
        return sb.toString();
    }
}
