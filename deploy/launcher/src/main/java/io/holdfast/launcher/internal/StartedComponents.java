package io.holdfast.launcher.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Components in the order they were started, closed in reverse: what depends on another stops first
 * (an executor finishes its command before its connection pool goes). Every one is closed even when
 * an earlier close fails; the first failure is then thrown.
 */
final class StartedComponents implements AutoCloseable {

    private final String what;
    private final List<AutoCloseable> started = new ArrayList<>();

    /** {@code what} names the whole in the failure's message, e.g. "the write path". */
    StartedComponents(String what) {
        this.what = what;
    }

    <T extends AutoCloseable> T add(T component) {
        started.add(component);
        return component;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("stopping " + what + ": " + e.getMessage(), e);
                }
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
