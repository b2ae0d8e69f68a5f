package io.holdfast.topology.errors;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread dies. A transient cause (a retriable client error, a timeout, an
 * I/O hiccup) replaces the thread, which resumes from the last commit; anything else, or more than
 * {@code maxReplacements} within {@code window}, shuts the client down so that the process reports
 * itself not live and its supervisor restarts it. The cause is always logged.
 */
public final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ThreadFailurePolicy.class);

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    public ThreadFailurePolicy(int maxReplacements, Duration window, Clock clock) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = clock.millis();
        while (!replacements.isEmpty() && replacements.peekFirst() < now - window.toMillis()) {
            replacements.pollFirst();
        }
        if (isTransient(exception) && replacements.size() < maxReplacements) {
            replacements.addLast(now);
            log.warn("stream thread died of a transient error; replacing it ({} of at most {} per {} s)",
                    replacements.size(), maxReplacements, window.toSeconds(), exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        log.error("stream thread died of a {} error; shutting the client down",
                isTransient(exception) ? "repeated transient" : "fatal", exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** True when any cause in the chain is a retriable Kafka error, a timeout or an I/O error. */
    public static boolean isTransient(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
