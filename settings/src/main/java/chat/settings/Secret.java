package chat.settings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A shared secret from the settings (a file's content, or a variable). It prints as {@code [secret]}, so a settings
 * record or a log line that names it never shows it. Immutable.
 */
public final class Secret {
    /** Fewer bytes than this are too easily guessed. */
    public static final int MIN_BYTES = 16;
    /** A secret is a line of text; a file larger than this is the wrong file. */
    public static final int MAX_BYTES = 4096;

    private final byte[] bytes;

    /** @throws IllegalArgumentException when the text is shorter than {@link #MIN_BYTES} or longer than {@link #MAX_BYTES} */
    public Secret(String text) {
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a secret must be " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
        }
    }

    /** The secret itself, to send where it belongs. */
    public String reveal() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether {@code presented} is this secret, in a time that does not depend on where they differ. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(bytes, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "[secret]";
    }
}
