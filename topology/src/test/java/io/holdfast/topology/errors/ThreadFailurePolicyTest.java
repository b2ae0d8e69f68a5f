package io.holdfast.topology.errors;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void transientErrorsReplaceTheThreadUpToTheBudgetThenShutDown() {
        ManualClock clock = new ManualClock();
        ThreadFailurePolicy policy = new ThreadFailurePolicy(2, Duration.ofMinutes(5), clock);
        StreamsException wrapped = new StreamsException("commit failed", new TimeoutException("broker slow"));

        assertEquals(REPLACE_THREAD, policy.handle(wrapped));
        assertEquals(REPLACE_THREAD, policy.handle(wrapped));
        assertEquals(SHUTDOWN_CLIENT, policy.handle(wrapped), "third within the window");

        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertEquals(REPLACE_THREAD, policy.handle(wrapped), "budget refills after the window");
    }

    @Test
    void fatalErrorsShutTheClientDown() {
        ThreadFailurePolicy policy = new ThreadFailurePolicy(5, Duration.ofMinutes(5), new ManualClock());
        assertEquals(SHUTDOWN_CLIENT, policy.handle(new StreamsException("bug", new NullPointerException())));
        assertEquals(SHUTDOWN_CLIENT, policy.handle(new IllegalStateException("corrupt state")));
    }
}
