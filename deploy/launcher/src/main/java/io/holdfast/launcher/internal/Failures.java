package io.holdfast.launcher.internal;

import io.holdfast.embedded.EmbeddedStartException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

/** Turns an exception into the one line a user reads: what failed and why, without a stack trace. */
public final class Failures {

    private Failures() {}

    public static String oneLine(Throwable t) {
        if (t instanceof ConfigException || t instanceof EmbeddedStartException || t instanceof UserError) {
            return firstLine(t.getMessage());
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
        if (t instanceof KafkaException && root != t) {
            return firstLine(t.getMessage()) + ": " + message;
        }
        return root == t ? message : firstLine(String.valueOf(t.getMessage())) + " (" + message + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A problem the user can fix (bad argument, missing file): reported as is. */
    public static final class UserError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UserError(String message) {
            super(message);
        }
    }
}
