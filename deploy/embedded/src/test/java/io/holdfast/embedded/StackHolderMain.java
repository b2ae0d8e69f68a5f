package io.holdfast.embedded;

import io.holdfast.embedded.internal.OrphanReaper;
import java.nio.file.Path;

/** A JVM that starts the whole stack and holds it, for tests that kill this JVM. */
public final class StackHolderMain {

    private StackHolderMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.Options.in(Path.of(args[0])));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        System.out.println("PIDS " + ProcessHandle.current().pid() + " " + OrphanReaper.get().watchdogPid()
                + " " + stack.kafka().pid() + " " + stack.mariaDb().pid() + " " + stack.s3().pid());
        System.out.flush();
        Thread.currentThread().join();
    }
}
