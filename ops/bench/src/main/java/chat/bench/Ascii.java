package chat.bench;

import java.nio.charset.StandardCharsets;

/**
 * Bytes of ASCII text: how the fan-out bench builds its frames, and searches in place, as every receiver finds its
 * fields. Thread-safe: it holds nothing.
 */
final class Ascii {
    private Ascii() {}

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The parts, one after another, in one array: a frame of the protocol around a payload. */
    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }

    /** Whether {@code b[from, to)} starts with {@code prefix}. */
    static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code pattern} first occurs in {@code b[from, to)}, or -1. */
    static int indexOf(byte[] b, int from, int to, byte[] pattern) {
        byte first = pattern[0];
        for (int i = from, last = to - pattern.length; i <= last; i++) {
            if (b[i] == first && startsWith(b, i, to, pattern)) {
                return i;
            }
        }
        return -1;
    }
}
