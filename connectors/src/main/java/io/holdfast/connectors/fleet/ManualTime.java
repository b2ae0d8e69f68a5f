package io.holdfast.connectors.fleet;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Simulated time that moves only when {@link #advanceTo} or {@link #advanceBy} is called: due tasks
 * then run on the caller's thread, in time order, with {@link #nowMillis()} set to each task's time
 * (a task scheduled by a running task runs in the same advance if it falls due before its end).
 */
public final class ManualTime implements SimulationTime {

    private record Task(long atMillis, long sequence, Runnable action) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.atMillis != b.atMillis
            ? Long.compare(a.atMillis, b.atMillis) : Long.compare(a.sequence, b.sequence));
    private long nowMillis;
    private long sequence;
    private boolean closed;

    public ManualTime(long startMillis) {
        this.nowMillis = startMillis;
    }

    @Override
    public synchronized long nowMillis() {
        return nowMillis;
    }

    @Override
    public synchronized void schedule(long atMillis, Runnable task) {
        if (!closed) {
            tasks.add(new Task(Math.max(atMillis, nowMillis), sequence++, task));
        }
    }

    /** Runs every task due up to {@code targetMillis}, then leaves the clock there. */
    public void advanceTo(long targetMillis) {
        while (true) {
            Task next;
            synchronized (this) {
                if (targetMillis < nowMillis) {
                    throw new IllegalArgumentException("time cannot go back from " + nowMillis + " to " + targetMillis);
                }
                next = tasks.peek();
                if (next == null || next.atMillis > targetMillis || closed) {
                    nowMillis = targetMillis;
                    return;
                }
                tasks.remove();
                nowMillis = next.atMillis;
            }
            // Outside the lock: the task may schedule more tasks, and takes the simulator's own lock.
            next.action.run();
        }
    }

    public void advanceBy(Duration duration) {
        advanceTo(nowMillis() + duration.toMillis());
    }

    /** Tasks waiting to fall due. */
    public synchronized int pendingTasks() {
        return tasks.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
