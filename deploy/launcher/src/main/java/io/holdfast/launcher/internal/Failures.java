package io.holdfast.launcher.internal;

import io.holdfast.embedded.EmbeddedStartException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;

/** Turns an exception into the one line a user reads: what failed and why, without a stack trace. */
public final class Failures {

    private Failures() {}

    public static String oneLine(Throwable t) {
        AuthenticationException refused = authenticationFailure(t);
        if (refused != null) {
            return authenticationLine(refused);
        }
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

    /**
     * The broker refused this client (a wrong SCRAM password, no or an untrusted certificate, a broker
     * certificate the client does not trust): whatever wrapped it, that is what the user must fix.
     */
    private static AuthenticationException authenticationFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AuthenticationException auth) {
                return auth;
            }
        }
        return null;
    }

    private static String authenticationLine(AuthenticationException refused) {
        Throwable root = refused;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root != refused && root.getMessage() != null ? " (" + firstLine(root.getMessage()) + ")" : "";
        return "Kafka authentication failed: " + firstLine(refused.getMessage()) + detail
                + "; check security.protocol and the sasl.* / ssl.* settings";
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
