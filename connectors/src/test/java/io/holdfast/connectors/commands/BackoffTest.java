package io.holdfast.connectors.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheLongestWait() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));
        assertEquals(Duration.ofMillis(100), backoff.beforeRetry(1));
        assertEquals(Duration.ofMillis(200), backoff.beforeRetry(2));
        assertEquals(Duration.ofMillis(800), backoff.beforeRetry(4));
        assertEquals(Duration.ofMillis(1_000), backoff.beforeRetry(5));
        assertEquals(Duration.ofMillis(1_000), backoff.beforeRetry(500), "no overflow on long runs");
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)).beforeRetry(0));
    }
}
