package io.holdfast.reconciler.entity;

import io.holdfast.schemas.Alert;
import io.holdfast.schemas.ReconcileCommand;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small world for the reconciler's property test: the truth (S3 objects with their tags, revision rows,
 * heads), a writer that follows DESIGN section 4 and may stop after any step, planted invariant violations,
 * the three inputs as channels that deliver in any order, late and more than once, the app with
 * exactly-once semantics (state and outputs commit together; a crash reverts both to the last commit and
 * the inputs since are delivered again), and an executor whose effects come back as change events.
 * Every decision is the real {@link EntityReconciler}'s, on ledgers kept as the bytes the changelog holds.
 */
final class ReconcileHarness {

    enum Failure { NONE, AFTER_S3, AFTER_ROW, AFTER_HEAD }

    enum Plant { HEAD_BACKWARD, ROW_WITHOUT_SNAPSHOT, HASH_MISMATCH }

    static final ReconcileSettings SETTINGS = new ReconcileSettings(1_000, 1_000, 4_000, 1_000);

    private final Random rnd;
    private final EntityReconciler reconciler = new EntityReconciler(SETTINGS);
    long now = 1_000_000;

    // ---- the truth ----
    private final Map<String, TreeMap<Long, String[]>> s3 = new LinkedHashMap<>(); // rev -> {hash, tag}
    private final Map<String, TreeMap<Long, String>> rows = new LinkedHashMap<>();
    private final Map<String, Long> heads = new LinkedHashMap<>();
    private final Set<String> plantedEntities = new HashSet<>();
    /** Every change of a head, as the binlog would show it: {entity, from, to}. */
    private final List<Object[]> headHistory = new ArrayList<>();
    final Map<String, Integer> expectedAlerts = new HashMap<>(); // code|entity -> 1

    // ---- the writer ----
    private record Write(String entity, long revision, String hash, Failure failure) {}
    private final Map<String, Integer> writesLeft = new LinkedHashMap<>();
    private final Map<String, Deque<Runnable>> inFlight = new HashMap<>();

    // ---- inputs ----
    private final Deque<EntityInput> copy = new ArrayDeque<>();
    private final List<EntityInput> cdc = new ArrayList<>();
    private final List<EntityInput> inventory = new ArrayList<>();

    // ---- the app: live state and the last commit ----
    private static final class AppState {
        Map<String, byte[]> ledgers = new HashMap<>();
        TreeMap<String, Long> deadlines = new TreeMap<>();
        Map<String, Set<String>> passRemaining = new HashMap<>();
        Map<String, Long> passStart = new HashMap<>();
        long lastCompletePassStart = -1;

        AppState copyOf() {
            AppState c = new AppState();
            c.ledgers = new HashMap<>(ledgers); // byte arrays are never mutated in place
            c.deadlines = new TreeMap<>(deadlines);
            for (var e : passRemaining.entrySet()) {
                c.passRemaining.put(e.getKey(), new HashSet<>(e.getValue()));
            }
            c.passStart = new HashMap<>(passStart);
            c.lastCompletePassStart = lastCompletePassStart;
            return c;
        }
    }
    private AppState app = new AppState();
    private AppState committed = app.copyOf();
    private final List<Object[]> sinceCommit = new ArrayList<>(); // {channel, input}
    private final List<Decision> uncommitted = new ArrayList<>();
    private int passes;

    // ---- the executor and what came out ----
    private final List<ReconcileCommand> executorQueue = new ArrayList<>();
    final Map<String, Integer> alertCounts = new HashMap<>();
    final List<String> failures = new ArrayList<>();
    int commandsCommitted;
    int crashes;

    ReconcileHarness(long seed) {
        this.rnd = new Random(seed);
    }

    // ------------------------------------------------------------------ setup

    /** Entities that exist before the app starts: their rows and heads reach it through the copy. */
    void preexisting(String entity, int revisions) {
        for (long r = 1; r <= revisions; r++) {
            String hash = hash(entity, r);
            s3.computeIfAbsent(entity, k -> new TreeMap<>()).put(r, new String[] {hash, "published"});
            rows.computeIfAbsent(entity, k -> new TreeMap<>()).put(r, hash);
            copy.add(new EntityInput.RevisionRow(entity, r, EntityInput.RowChange.COPIED, hash, null, now));
        }
        heads.put(entity, (long) revisions);
        copy.add(new EntityInput.Head(entity, EntityInput.RowChange.COPIED, revisions, EntityInput.NONE, now));
    }

    void writes(String entity, int count) {
        writesLeft.merge(entity, count, Integer::sum);
    }

    void plant(String entity, Plant plant) {
        plantedEntities.add(entity);
        switch (plant) {
            case HEAD_BACKWARD -> {
                // Two good revisions, then an update lowers the head.
                for (long r = 1; r <= 2; r++) {
                    putS3(entity, r, hash(entity, r), "published");
                    insertRow(entity, r, hash(entity, r));
                    advanceHead(entity, r);
                }
                long h = heads.get(entity);
                heads.put(entity, h - 1);
                headHistory.add(new Object[] {entity, h, h - 1});
                cdc.add(new EntityInput.Head(entity, EntityInput.RowChange.UPDATED, h - 1, h, now));
                expectedAlerts.put(Alerts.HEAD_MOVED_BACKWARD + "|" + entity, 1);
            }
            case ROW_WITHOUT_SNAPSHOT -> {
                insertRow(entity, 1, hash(entity, 1));
                advanceHead(entity, 1);
                expectedAlerts.put(Alerts.REVISION_WITHOUT_SNAPSHOT + "|" + entity, 1);
            }
            case HASH_MISMATCH -> {
                putS3(entity, 1, hash(entity, 1), "pending");
                insertRow(entity, 1, "sha256:other");
                advanceHead(entity, 1);
                expectedAlerts.put(Alerts.CONTENT_HASH_MISMATCH + "|" + entity, 1);
            }
        }
    }

    // ------------------------------------------------------------------ steps

    /** One random step of the busy phase. */
    void step(boolean allowCrash) {
        int roll = rnd.nextInt(100);
        if (roll < 22) {
            writerStep();
        } else if (roll < 62) {
            deliver();
        } else if (roll < 72) {
            tick(100 + rnd.nextInt(1_400));
        } else if (roll < 77) {
            startPass();
        } else if (roll < 87) {
            execute();
        } else if (roll < 97) {
            commit();
        } else if (allowCrash) {
            crash();
        }
    }

    /** Quiet phase: everything is delivered, executed and committed while time and scans go on. */
    void settle(int rounds) {
        for (int i = 0; i < rounds; i++) {
            while (!copy.isEmpty() || !cdc.isEmpty() || !inventory.isEmpty()) {
                deliver();
            }
            commit();
            while (!executorQueue.isEmpty()) {
                execute();
            }
            if (i % 3 == 0) {
                startPass();
            }
            tick(700);
            commit();
        }
    }

    private void writerStep() {
        List<String> candidates = new ArrayList<>();
        for (var e : writesLeft.entrySet()) {
            if (e.getValue() > 0 || !inFlight.getOrDefault(e.getKey(), new ArrayDeque<>()).isEmpty()) {
                candidates.add(e.getKey());
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        String entity = candidates.get(rnd.nextInt(candidates.size()));
        Deque<Runnable> steps = inFlight.computeIfAbsent(entity, k -> new ArrayDeque<>());
        if (steps.isEmpty()) {
            writesLeft.merge(entity, -1, Integer::sum);
            long revision = s3.getOrDefault(entity, new TreeMap<>()).isEmpty() ? 1 : s3.get(entity).lastKey() + 1;
            String hash = hash(entity, revision);
            Failure failure = Failure.values()[rnd.nextInt(10) < 7 ? 0 : 1 + rnd.nextInt(3)];
            steps.add(() -> putS3(entity, revision, hash, "pending"));
            if (failure != Failure.AFTER_S3) {
                steps.add(() -> insertRow(entity, revision, hash));
                if (failure != Failure.AFTER_ROW) {
                    steps.add(() -> advanceHead(entity, revision));
                    if (failure != Failure.AFTER_HEAD) {
                        steps.add(() -> s3.get(entity).get(revision)[1] = "published");
                    }
                }
            }
        }
        steps.poll().run();
    }

    private void putS3(String entity, long revision, String hash, String tag) {
        TreeMap<Long, String[]> objects = s3.computeIfAbsent(entity, k -> new TreeMap<>());
        if (objects.containsKey(revision)) {
            throw new IllegalStateException("create-only put of an existing object");
        }
        objects.put(revision, new String[] {hash, tag});
    }

    private void insertRow(String entity, long revision, String hash) {
        TreeMap<Long, String> r = rows.computeIfAbsent(entity, k -> new TreeMap<>());
        if (r.putIfAbsent(revision, hash) == null) {
            cdc.add(new EntityInput.RevisionRow(entity, revision, EntityInput.RowChange.INSERTED, hash, null, now));
        }
    }

    /** {@code UPDATE ... SET head = GREATEST(head, r)} (or the insert of the head row). */
    private void advanceHead(String entity, long revision) {
        Long head = heads.get(entity);
        if (head == null) {
            heads.put(entity, revision);
            cdc.add(new EntityInput.Head(entity, EntityInput.RowChange.INSERTED, revision, EntityInput.NONE, now));
        } else if (revision > head) {
            heads.put(entity, revision);
            headHistory.add(new Object[] {entity, head, revision});
            cdc.add(new EntityInput.Head(entity, EntityInput.RowChange.UPDATED, revision, head, now));
        }
    }

    private void startPass() {
        String pass = "pass-" + (++passes);
        Set<String> keys = new HashSet<>();
        for (var e : s3.entrySet()) {
            for (var o : e.getValue().entrySet()) {
                String[] v = o.getValue();
                EntityInput.Publication tag = v[1].equals("published")
                        ? EntityInput.Publication.PUBLISHED : EntityInput.Publication.PENDING;
                String key = "snapshots/" + e.getKey() + "/" + o.getKey();
                inventory.add(new EntityInput.Snapshot(e.getKey(), o.getKey(), "bucket", key, "etag", v[0], 10, now - 1,
                        tag, pass, now));
                keys.add(key);
            }
        }
        app.passRemaining.put(pass, keys);
        app.passStart.put(pass, now);
        if (keys.isEmpty()) {
            app.lastCompletePassStart = Math.max(app.lastCompletePassStart, now);
        }
    }

    private void deliver() {
        List<Integer> channels = new ArrayList<>();
        if (!copy.isEmpty()) {
            channels.add(0);
        } else if (!cdc.isEmpty()) {
            channels.add(1); // Debezium streams only after its snapshot
        }
        if (!inventory.isEmpty()) {
            channels.add(2);
        }
        if (channels.isEmpty()) {
            return;
        }
        int channel = channels.get(rnd.nextInt(channels.size()));
        EntityInput input;
        if (channel == 0) {
            input = copy.poll();
        } else {
            List<EntityInput> list = channel == 1 ? cdc : inventory;
            int i = rnd.nextInt(list.size());
            boolean duplicate = rnd.nextInt(10) == 0;
            input = duplicate ? list.get(i) : list.remove(i);
        }
        sinceCommit.add(new Object[] {channel, input});
        process(input);
    }

    private void process(EntityInput input) {
        EntityLedger ledger = load(input.entity());
        List<Decision> out = new ArrayList<>();
        long wake = reconciler.apply(ledger, input, now, conditions(), out);
        save(input.entity(), ledger, wake);
        if (input instanceof EntityInput.Snapshot s) {
            Set<String> remaining = app.passRemaining.get(s.passId());
            if (remaining != null && remaining.remove(s.objectKey()) && remaining.isEmpty()) {
                app.lastCompletePassStart = Math.max(app.lastCompletePassStart, app.passStart.get(s.passId()));
            }
        }
        decided(out);
    }

    private void tick(long millis) {
        now += millis;
        Conditions c = conditions();
        List<String> due = new ArrayList<>();
        for (var e : app.deadlines.entrySet()) {
            if (e.getValue() <= now) {
                due.add(e.getKey());
            }
        }
        for (String entity : due) {
            app.deadlines.remove(entity);
            EntityLedger ledger = load(entity);
            List<Decision> out = new ArrayList<>();
            long wake = reconciler.evaluate(ledger, entity, now, c, out);
            save(entity, ledger, wake);
            decided(out);
        }
    }

    private Conditions conditions() {
        return new Conditions(copy.isEmpty(), false, false, app.lastCompletePassStart, null);
    }

    private void decided(List<Decision> out) {
        for (Decision d : out) {
            if (d instanceof Decision.Repair r && !copy.isEmpty()) {
                failures.add("command " + r.code() + " for " + r.command().getEntityId() + " while the copy runs");
            }
            uncommitted.add(d);
        }
    }

    private void commit() {
        for (Decision d : uncommitted) {
            if (d instanceof Decision.Repair r) {
                executorQueue.add(r.command());
                commandsCommitted++;
            } else if (d instanceof Decision.Violation v) {
                Alert a = v.alert();
                alertCounts.merge(a.getCode() + "|" + a.getScope().getTarget(), 1, Integer::sum);
            }
        }
        uncommitted.clear();
        sinceCommit.clear();
        committed = app.copyOf();
    }

    private void crash() {
        crashes++;
        app = committed.copyOf();
        uncommitted.clear();
        // Inputs consumed since the commit are read again: the copy in order, the rest in any order.
        List<EntityInput> copyAgain = new ArrayList<>();
        for (Object[] d : sinceCommit) {
            int channel = (Integer) d[0];
            EntityInput input = (EntityInput) d[1];
            if (channel == 0) {
                copyAgain.add(input);
            } else {
                (channel == 1 ? cdc : inventory).add(input);
            }
        }
        for (int i = copyAgain.size() - 1; i >= 0; i--) {
            copy.addFirst(copyAgain.get(i));
        }
        sinceCommit.clear();
    }

    /** At-least-once with losses the reconciler's retries must cover: lost, late, repeated. */
    private void execute() {
        if (executorQueue.isEmpty()) {
            return;
        }
        ReconcileCommand c = executorQueue.get(rnd.nextInt(executorQueue.size()));
        if (rnd.nextInt(10) != 0) {
            executorQueue.remove(c); // else executed again later
        }
        if (rnd.nextInt(20) == 0) {
            return; // lost
        }
        String entity = c.getEntityId();
        switch (c.getType()) {
            case REPLAY_SNAPSHOT -> {
                String[] object = s3.getOrDefault(entity, new TreeMap<>()).get(c.getRevision());
                if (object == null) {
                    failures.add("replay of " + entity + "/" + c.getRevision() + " which is not in S3");
                    return;
                }
                insertRow(entity, c.getRevision(), c.getSnapshot().getContentHash()); // INSERT IGNORE
            }
            case ADVANCE_HEAD -> {
                if (s3.getOrDefault(entity, new TreeMap<>()).get(c.getRevision()) == null
                        || rows.getOrDefault(entity, new TreeMap<>()).get(c.getRevision()) == null) {
                    failures.add("head of " + entity + " advanced to " + c.getRevision() + ", not a revision in S3 and Vitess");
                }
                advanceHead(entity, c.getRevision());
            }
            case MARK_PUBLISHED -> {
                String[] object = s3.getOrDefault(entity, new TreeMap<>()).get(c.getRevision());
                if (object == null || rows.getOrDefault(entity, new TreeMap<>()).get(c.getRevision()) == null) {
                    failures.add("mark published of " + entity + "/" + c.getRevision() + " without object or row");
                    return;
                }
                object[1] = "published";
            }
            default -> failures.add("unknown command " + c.getType());
        }
        // The executor's result, read back through commands.results (delayed, reordered and duplicated like the rest).
        cdc.add(new EntityInput.Answered(entity, c.getType(), c.getRevision(), c.getAttempt(), true));
    }

    private EntityLedger load(String entity) {
        byte[] b = app.ledgers.get(entity);
        return b == null ? new EntityLedger() : EntityLedger.fromBytes(b);
    }

    private void save(String entity, EntityLedger ledger, long wake) {
        app.ledgers.put(entity, ledger.toBytes());
        if (wake == EntityInput.NONE) {
            app.deadlines.remove(entity);
        } else {
            app.deadlines.put(entity, wake);
        }
    }

    private static String hash(String entity, long revision) {
        return "sha256:" + Integer.toHexString((entity + "/" + revision).hashCode());
    }

    // ------------------------------------------------------------------ the end state

    /** The convergence and alert checks; empty when all hold. */
    List<String> check() {
        List<String> problems = new ArrayList<>(failures);
        for (var e : s3.entrySet()) {
            String entity = e.getKey();
            if (plantedEntities.contains(entity)) {
                continue;
            }
            for (var o : e.getValue().entrySet()) {
                if (rows.getOrDefault(entity, new TreeMap<>()).get(o.getKey()) == null) {
                    problems.add("snapshot " + entity + "/" + o.getKey() + " has no row");
                }
                if (!o.getValue()[1].equals("published")) {
                    problems.add("snapshot " + entity + "/" + o.getKey() + " is not published");
                }
            }
            long highest = e.getValue().lastKey();
            if (!Long.valueOf(highest).equals(heads.get(entity))) {
                problems.add("head of " + entity + " is " + heads.get(entity) + ", highest revision " + highest);
            }
        }
        for (Object[] change : headHistory) {
            if ((Long) change[2] < (Long) change[1] && !plantedEntities.contains((String) change[0])) {
                problems.add("head of " + change[0] + " moved backward from " + change[1] + " to " + change[2]);
            }
        }
        for (var e : alertCounts.entrySet()) {
            Integer expected = expectedAlerts.get(e.getKey());
            if (expected == null) {
                problems.add("unexpected alert " + e.getKey() + " x" + e.getValue());
            } else if (!expected.equals(e.getValue())) {
                problems.add("alert " + e.getKey() + " raised " + e.getValue() + " times");
            }
        }
        for (String k : expectedAlerts.keySet()) {
            if (!alertCounts.containsKey(k)) {
                problems.add("planted violation " + k + " never alerted");
            }
        }
        return problems;
    }
}
