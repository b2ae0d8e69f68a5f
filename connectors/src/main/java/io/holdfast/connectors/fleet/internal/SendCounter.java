package io.holdfast.connectors.fleet.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts sends and their outcomes, and logs failures at most once per ten seconds (with how many
 * failed since the last line), so that a record is never lost silently and a broken cluster does not
 * flood the log.
 */
public final class SendCounter {

    private static final Logger log = LoggerFactory.getLogger(SendCounter.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String what;
    private final LongAdder sent = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong failuresSinceLog = new AtomicLong();
    private final AtomicLong lastFailureLogNanos = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

    public SendCounter(String what) {
        this.what = what;
    }

    /** Counted before the send, so that an outcome is never counted before its send. */
    public void sending() {
        sent.increment();
    }

    /** The send threw: it never happened. */
    public void notSent() {
        sent.decrement();
    }

    public void completed(String topic, Object key, Exception error) {
        if (error == null) {
            acknowledged.increment();
            return;
        }
        failed.increment();
        long unlogged = failuresSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastFailureLogNanos.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLogNanos.compareAndSet(last, now)) {
            failuresSinceLog.addAndGet(-unlogged);
            log.warn("{} {} record(s) not delivered to {} since the last report; latest: key {}: {}", unlogged, what, topic, key, error.toString());
        }
    }

    public long failed() {
        return failed.sum();
    }

    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Sent and not yet acknowledged or failed. */
    public long pending() {
        long ok = acknowledged.sum();
        long bad = failed.sum();
        return sent.sum() - ok - bad;
    }

    @Override
    public String toString() {
        long ok = acknowledged.sum();
        long bad = failed.sum();
        return sent.sum() + " " + what + " sent (" + ok + " acknowledged, " + bad + " failed)";
    }
}
