package io.holdfast.launcher.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop: the command's main thread wakes up, stops what
 * it started in order, and returns, so the process exits 0 after a normal stop. A second signal
 * while stopping ends the process at once.
 */
public final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String received;

    public static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stop.requested.getCount() == 0) {
                    System.err.println("holdfast: second SIG" + signal.getName() + ", exiting without finishing the shutdown");
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
                stop.received = "SIG" + signal.getName();
                stop.requested.countDown();
            });
        }
        return stop;
    }

    public void await() throws InterruptedException {
        requested.await();
    }

    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return requested.await(timeout, unit);
    }

    /** Asks to stop from inside the process (e.g. a component died). */
    public void request(String reason) {
        received = reason;
        requested.countDown();
    }

    public String reason() {
        return received;
    }
}
