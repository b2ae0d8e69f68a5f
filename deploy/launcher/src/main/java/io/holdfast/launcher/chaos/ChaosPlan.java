package io.holdfast.launcher.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The schedule of a chaos run, drawn in full before it starts from one seeded {@link Random}: the same
 * seed, duration, kill count and fleet give the same schedule (the moments are offsets from the start of
 * the load; how late each is carried out depends on the machine and is reported).
 *
 * <ul>
 *   <li>{@code kills} SIGKILLs of a component that is up at that moment (binlog source, S3 scanner,
 *       reconciler, health app, reconcile executor, fleet executor), each restarted 1-8 s later; the
 *       first kills go to components not killed yet, so that every one is killed once kills allow;</li>
 *   <li>once, the Kafka broker killed and restarted 3-10 s later; once, MariaDB the same, never both down together;</li>
 *   <li>fleet degradations, one a minute or so, on shards quiet for the last 4 minutes (so that the anti-flap
 *       block and the previous repair are over): a degraded or stalled primary, a degraded replica, or the
 *       replica most likely to be promoted degraded and, 30 s later, its primary (the candidate must be passed over).</li>
 * </ul>
 */
public record ChaosPlan(long seed, Duration duration, List<Event> events) {

    /** The components killed as processes. The fleet simulator is the world they act on and is not one of them. */
    public static final List<String> COMPONENTS = List.of("binlog-source", "s3-scanner", "reconciler", "health", "reconcile-executor",
            "fleet-executor");

    /** What happens, {@code at} after the load starts. */
    public sealed interface Event permits Kill, Restart, BrokerKill, BrokerRestart, DatabaseKill, DatabaseRestart, Inject {
        Duration at();

        String shown();
    }

    public record Kill(Duration at, String component) implements Event {
        public String shown() {
            return "kill " + component;
        }
    }

    public record Restart(Duration at, String component) implements Event {
        public String shown() {
            return "restart " + component;
        }
    }

    public record BrokerKill(Duration at) implements Event {
        public String shown() {
            return "kill the Kafka broker";
        }
    }

    public record BrokerRestart(Duration at) implements Event {
        public String shown() {
            return "restart the Kafka broker";
        }
    }

    public record DatabaseKill(Duration at) implements Event {
        public String shown() {
            return "kill MariaDB";
        }
    }

    public record DatabaseRestart(Duration at) implements Event {
        public String shown() {
            return "restart MariaDB";
        }
    }

    /** A line for the simulator's console ({@code degrade-primary -20 90 300}, ...). */
    public record Inject(Duration at, String consoleLine) implements Event {
        public String shown() {
            return "inject: " + consoleLine;
        }
    }

    public ChaosPlan {
        events = List.copyOf(events);
    }

    private static final Duration SHARD_QUIET = Duration.ofMinutes(4);
    private static final Duration INJECTION_EVERY = Duration.ofSeconds(60);

    /** Draws the schedule for {@code kills} kills over {@code duration} on a fleet of {@code shards}. */
    public static ChaosPlan draw(long seed, Duration duration, int kills, List<String> shards) {
        if (duration.toSeconds() < 30) {
            throw new IllegalArgumentException("a chaos run lasts at least 30 s, not " + duration.toSeconds() + " s");
        }
        if (kills < 0) {
            throw new IllegalArgumentException("kills must be 0 or more");
        }
        Random random = new Random(seed);
        long d = duration.toMillis();
        List<Event> events = new ArrayList<>();

        // The broker and the database: once each, apart, in the middle of the run.
        long brokerAt = between(random, d * 25 / 100, d * 55 / 100);
        long brokerDown = between(random, 3_000, 10_000);
        long dbAt = between(random, d * 45 / 100, d * 75 / 100);
        long dbDown = between(random, 3_000, 10_000);
        if (dbAt < brokerAt + brokerDown + 15_000 && dbAt + dbDown + 15_000 > brokerAt) {
            dbAt = brokerAt + brokerDown + 15_000;
        }
        events.add(new BrokerKill(Duration.ofMillis(brokerAt)));
        events.add(new BrokerRestart(Duration.ofMillis(brokerAt + brokerDown)));
        events.add(new DatabaseKill(Duration.ofMillis(dbAt)));
        events.add(new DatabaseRestart(Duration.ofMillis(dbAt + dbDown)));

        // Component kills: uniform over 5 %..90 % of the run, each of a component up at that moment.
        List<Long> moments = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            moments.add(between(random, d * 5 / 100, d * 90 / 100));
        }
        moments.sort(Comparator.naturalOrder());
        Map<String, Long> upAgainAt = new HashMap<>();
        for (long at : moments) {
            List<String> up = COMPONENTS.stream().filter(c -> upAgainAt.getOrDefault(c, -1L) <= at).toList();
            long when = at;
            if (up.isEmpty()) {
                // All down at once: wait for the first to come back.
                when = upAgainAt.values().stream().min(Long::compare).orElseThrow();
                long first = when;
                up = COMPONENTS.stream().filter(c -> upAgainAt.get(c) <= first).toList();
            }
            // Components not killed yet go first, so that a run with as many kills as components kills each of them.
            List<String> neverKilled = up.stream().filter(c -> !upAgainAt.containsKey(c)).toList();
            if (!neverKilled.isEmpty()) {
                up = neverKilled;
            }
            String component = up.get(random.nextInt(up.size()));
            long down = between(random, 1_000, 8_000);
            events.add(new Kill(Duration.ofMillis(when), component));
            events.add(new Restart(Duration.ofMillis(when + down), component));
            upAgainAt.put(component, when + down);
        }

        // Fleet degradations: one a minute from 10 % to 70 % of the run, on shards quiet for a while.
        int injections = Math.max(2, (int) (d / INJECTION_EVERY.toMillis()));
        Map<String, Long> shardBusyUntil = new HashMap<>();
        for (int i = 0; i < injections; i++) {
            long at = d * 10 / 100 + (d * 60 / 100) * i / injections + between(random, 0, d * 60 / 100 / injections / 2);
            List<String> quiet = shards.stream().filter(s -> shardBusyUntil.getOrDefault(s, Long.MIN_VALUE) <= at).toList();
            if (quiet.isEmpty()) {
                continue;
            }
            String shard = quiet.get(random.nextInt(quiet.size()));
            long seconds = between(random, 60, 150);
            switch (random.nextInt(5)) {
                case 0, 1 -> events.add(new Inject(Duration.ofMillis(at), String.format(Locale.ROOT, "degrade-primary %s %d %d", shard, seconds,
                        between(random, 200, 500))));
                // Long enough that the stall is still on when holdfast acts, even with the health app just killed: a stall
                // that ends first heals by itself and leaves nothing to replace.
                case 2 -> events.add(new Inject(Duration.ofMillis(at), "stall-primary " + shard + " " + seconds));
                case 3 -> events.add(new Inject(Duration.ofMillis(at), "degrade-replica " + shard + " " + seconds));
                default -> {
                    events.add(new Inject(Duration.ofMillis(at), "degrade-candidate " + shard + " " + (seconds + 60)));
                    events.add(new Inject(Duration.ofMillis(at + 30_000), String.format(Locale.ROOT, "degrade-primary %s %d %d", shard, seconds,
                            between(random, 200, 500))));
                }
            }
            shardBusyUntil.put(shard, at + SHARD_QUIET.toMillis() + seconds * 1000);
        }
        events.sort(Comparator.comparing(Event::at));
        return new ChaosPlan(seed, duration, events);
    }

    private static long between(Random random, long min, long max) {
        return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
    }

    public long count(Class<? extends Event> type) {
        return events.stream().filter(type::isInstance).count();
    }

    /** Kills planned per component. */
    public Map<String, Long> killsByComponent() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        events.stream().filter(Kill.class::isInstance).map(e -> ((Kill) e).component()).forEach(c -> counts.merge(c, 1L, Long::sum));
        return counts;
    }
}
