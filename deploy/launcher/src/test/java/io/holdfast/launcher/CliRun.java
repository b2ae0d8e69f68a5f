package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One `holdfast` invocation in this JVM, with what it printed: for command-line tests that stop before any cluster. */
record CliRun(int exit, String out, String err) {

    static CliRun run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = Holdfast.run(args);
            return new CliRun(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The error is one line starting {@code holdfast: }, containing {@code expected}, with no stack trace. */
    void assertOneLine(String expected) {
        String[] lines = err.strip().split("\n");
        assertEquals(1, lines.length, "one line on stderr:\n" + err);
        assertTrue(lines[0].startsWith("holdfast: ") && lines[0].contains(expected), err);
        assertFalse(err.contains("\tat "), "no stack trace");
    }
}
