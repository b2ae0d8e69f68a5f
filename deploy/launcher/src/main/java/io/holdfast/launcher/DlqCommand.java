package io.holdfast.launcher;

import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.DeadLetters;
import io.holdfast.launcher.internal.Failures;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast dlq}: what an app dead-lettered and why, and putting it back once the cause is fixed. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Read an app's dead-letter topic (dlq.<app>) or replay it onto the topics its records came from.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both subcommands read: the settings, and the app whose dead-letter topic it is. */
    static final class AppTopic {

        @Mixin
        ConfigOptions config;

        @Option(names = "--app", required = true, paramLabel = "APP", description = "reconciler, health or connectors.")
        String app;

        DeadLetters open(PrintWriter progress) {
            return new DeadLetters(config.load(Map.of()), app, progress);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Count the dead letters by source topic and reason, then print the latest ones. Reads the "
                    + "whole topic; changes nothing.",
                    "Example: holdfast dlq list --app reconciler --last 20"})
    static final class ListLetters implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        AppTopic target;

        @Option(names = "--last", paramLabel = "N", defaultValue = "20", description = "How many of the latest to print (default 20).")
        int last;

        @Override
        public Integer call() {
            if (last < 0) {
                throw new Failures.UserError("--last must be 0 or more, was " + last);
            }
            PrintWriter out = spec.commandLine().getOut();
            DeadLetters dlq = target.open(out);
            List<DeadLetters.Letter> letters = dlq.list();
            out.printf("%s: %,d dead letters%n", dlq.topic(), letters.size());
            Map<String, Long> byCause = new LinkedHashMap<>();
            for (DeadLetters.Letter l : letters) {
                byCause.merge(l.sourceTopic() + "  " + l.exception(), 1L, Long::sum);
            }
            byCause.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> out.printf("  %,8d  %s%n", e.getValue(), e.getKey()));
            List<DeadLetters.Letter> latest = letters.stream()
                    .sorted(java.util.Comparator.comparingLong(DeadLetters.Letter::offset).reversed()).limit(last).toList();
            if (!latest.isEmpty()) {
                out.println("latest:");
                latest.forEach(l -> out.println("  " + l.describe()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Publish the app's dead letters again to the topics they came from (same partition, key, value, "
                    + "timestamp and headers, plus holdfast.dlq.replayed-from), once the cause is fixed. Each letter is "
                    + "re-published and marked done in one transaction: a replay resumes where the last one stopped and "
                    + "reads up to the end the topic has when it starts. Letters the filters leave out are passed over "
                    + "(--from-beginning offers everything again).",
                    "Example: holdfast dlq replay --app reconciler --topic cdc.holdfast.holdfast.revisions --dry-run"})
    static final class Replay implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        AppTopic target;

        @Option(names = "--topic", paramLabel = "TOPIC", description = "Only letters that came from this topic.")
        String sourceTopic;

        @Option(names = "--matching", paramLabel = "TEXT",
                description = "Only letters whose exception or message contains TEXT (case-insensitive).")
        String matching;

        @Option(names = "--from-beginning", description = "Start from the topic's first letter, not where the last replay stopped.")
        boolean fromBeginning;

        @Option(names = "--dry-run", description = "Count what would be replayed; publish and commit nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String needle = matching == null ? null : matching.toLowerCase(Locale.ROOT);
            Predicate<DeadLetters.Letter> accept = l -> (sourceTopic == null || sourceTopic.equals(l.sourceTopic()))
                    && (needle == null || l.exception().toLowerCase(Locale.ROOT).contains(needle)
                    || (l.message() != null && l.message().toLowerCase(Locale.ROOT).contains(needle)));
            DeadLetters dlq = target.open(out);
            DeadLetters.Replay r = dlq.replay(accept, fromBeginning, dryRun);
            out.printf("holdfast dlq replay: %s%s: %,d read, %,d %s, %,d left out by the filters, %,d without a source topic%n",
                    dlq.topic(), dryRun ? " (dry run)" : "", r.read(), r.replayed(), dryRun ? "would be replayed" : "replayed",
                    r.filtered(), r.withoutSource());
            r.byTopic().forEach((topic, n) -> out.printf("  %,8d  -> %s%n", n, topic));
            out.flush();
            return 0;
        }
    }
}
