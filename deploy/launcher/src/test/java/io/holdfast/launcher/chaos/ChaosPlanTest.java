package io.holdfast.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {

    private static final List<String> SHARDS = List.of("-20", "20-40", "40-60", "60-80", "80-a0", "a0-c0", "c0-e0", "e0-");

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        ChaosPlan a = ChaosPlan.draw(7, Duration.ofMinutes(4), 24, SHARDS);
        assertEquals(a, ChaosPlan.draw(7, Duration.ofMinutes(4), 24, SHARDS));
        assertNotEquals(a.events(), ChaosPlan.draw(8, Duration.ofMinutes(4), 24, SHARDS).events());
    }

    @Test
    void everyKillIsOfAComponentThatIsUpAndIsFollowedByItsRestart() {
        ChaosPlan plan = ChaosPlan.draw(3, Duration.ofMinutes(4), 40, SHARDS);
        assertEquals(40, plan.count(ChaosPlan.Kill.class));
        assertEquals(40, plan.count(ChaosPlan.Restart.class));
        assertEquals(1, plan.count(ChaosPlan.BrokerKill.class));
        assertEquals(1, plan.count(ChaosPlan.DatabaseKill.class));
        assertTrue(plan.count(ChaosPlan.Inject.class) >= 2);
        Map<String, Boolean> down = new HashMap<>();
        boolean brokerDown = false;
        boolean dbDown = false;
        for (ChaosPlan.Event e : plan.events()) {
            if (e instanceof ChaosPlan.Kill k) {
                assertTrue(!down.getOrDefault(k.component(), false), "killed while down: " + e);
                down.put(k.component(), true);
            } else if (e instanceof ChaosPlan.Restart r) {
                down.put(r.component(), false);
            } else if (e instanceof ChaosPlan.BrokerKill) {
                assertTrue(!dbDown, "the broker and the database are never down together");
                brokerDown = true;
            } else if (e instanceof ChaosPlan.BrokerRestart) {
                brokerDown = false;
            } else if (e instanceof ChaosPlan.DatabaseKill) {
                assertTrue(!brokerDown, "the broker and the database are never down together");
                dbDown = true;
            } else if (e instanceof ChaosPlan.DatabaseRestart) {
                dbDown = false;
            }
            assertTrue(e.at().compareTo(Duration.ofMinutes(4)) < 0 || !(e instanceof ChaosPlan.Kill), e.toString());
        }
        assertTrue(down.values().stream().noneMatch(d -> d), "every component is up again at the end");
    }

    @Test
    void asManyKillsAsComponentsKillEachOfThem() {
        for (long seed = 1; seed <= 50; seed++) {
            ChaosPlan plan = ChaosPlan.draw(seed, Duration.ofSeconds(150), ChaosPlan.COMPONENTS.size(), SHARDS);
            assertEquals(ChaosPlan.COMPONENTS.size(), plan.killsByComponent().size(), "seed " + seed + ": " + plan.killsByComponent());
        }
        // The executors are among them: each is killed in the test's own run.
        ChaosPlan chaosIt = ChaosPlan.draw(20261207L, Duration.ofSeconds(150), 22, SHARDS);
        assertTrue(chaosIt.killsByComponent().getOrDefault("fleet-executor", 0L) >= 1, chaosIt.killsByComponent().toString());
        assertTrue(chaosIt.killsByComponent().getOrDefault("reconcile-executor", 0L) >= 1, chaosIt.killsByComponent().toString());
    }

    @Test
    void aRunTooShortIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChaosPlan.draw(1, Duration.ofSeconds(10), 1, SHARDS));
    }
}
