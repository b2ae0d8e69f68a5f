package io.holdfast.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Deterministic ids for commands, audit events and alerts: a hash of what is done and of the state it was
 * decided on. The same decision taken twice (after a restart, on redelivered input) gets the same id, so
 * executors and consumers can be idempotent on it.
 */
public final class CommandIds {

    private static final int ID_BYTES = 16;

    private CommandIds() {
    }

    /**
     * Returns 32 lowercase hex characters (128 bits of SHA-256) over the action and the parts, in order.
     * Each part is length-prefixed so that ("ab", "c") and ("a", "bc") differ; a null part is distinct
     * from every string, including the empty one.
     */
    public static String of(String action, Object... parts) {
        Objects.requireNonNull(action, "action");
        MessageDigest sha256 = newSha256();
        update(sha256, action);
        for (Object part : parts) {
            if (part == null) {
                sha256.update((byte) 0);
            } else {
                sha256.update((byte) 1);
                update(sha256, part.toString());
            }
        }
        byte[] digest = sha256.digest();
        return HexFormat.of().formatHex(digest, 0, ID_BYTES);
    }

    private static void update(MessageDigest digest, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int length = utf8.length;
        digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        digest.update(utf8);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform must provide SHA-256", e);
        }
    }
}
