package io.holdfast.connectors.commands;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after the other per key and keys in parallel on a bounded pool: the commands of one
 * shard (or one entity) in the order they were received (as vtctld's shard lock would), different keys
 * at once, so that a slow provisioning on one shard never holds up a reparent on another.
 */
public final class KeyedLanes {

    private static final Logger log = LoggerFactory.getLogger(KeyedLanes.class);

    /** A task that may be interrupted when the lanes shut down. */
    public interface Task {
        void run() throws InterruptedException;
    }

    private final ExecutorService pool;
    private final Map<String, ArrayDeque<Task>> lanes = new HashMap<>();

    public KeyedLanes(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public void submit(String key, Task task) {
        synchronized (lanes) {
            ArrayDeque<Task> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
            lane.add(task);
            if (lane.size() == 1) {
                pool.execute(() -> drain(key));
            }
        }
    }

    private void drain(String key) {
        while (true) {
            Task next;
            synchronized (lanes) {
                next = lanes.get(key).peek();
            }
            try {
                next.run();
            } catch (InterruptedException e) {
                // Shutting down: what is still queued stays unexecuted (and uncommitted), to be redelivered.
                synchronized (lanes) {
                    lanes.remove(key);
                }
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("a task of lane {} failed: {}", key, e.toString(), e);
            }
            synchronized (lanes) {
                ArrayDeque<Task> lane = lanes.get(key);
                lane.poll();
                if (lane.isEmpty()) {
                    lanes.remove(key);
                    return;
                }
            }
        }
    }

    /** Tasks queued or running. */
    public int pending() {
        synchronized (lanes) {
            return lanes.values().stream().mapToInt(ArrayDeque::size).sum();
        }
    }

    /**
     * Lets running tasks finish for up to {@code grace}, then interrupts them. Tasks not yet started
     * are dropped.
     */
    public void shutdown(Duration grace) {
        synchronized (lanes) {
            for (ArrayDeque<Task> lane : lanes.values()) {
                // Keep each lane's running head; drop what waits behind it.
                while (lane.size() > 1) {
                    lane.pollLast();
                }
            }
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)) {
                log.warn("commands still running after {} ms: interrupting them (they will be redelivered)", grace.toMillis());
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
