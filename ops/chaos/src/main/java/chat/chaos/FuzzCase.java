package chat.chaos;

import java.nio.charset.StandardCharsets;

/**
 * One fuzz case: the bytes to send (one line or more, newlines included), whether they go a byte per write, what they
 * are, and what the gateway must answer. {@code lines} is how many lines the gateway reads from them, each of which
 * counts against the connection's rate limit. Immutable (the array is not copied: nobody changes it).
 */
record FuzzCase(FuzzKind kind, String what, byte[] bytes, boolean byteByByte, int lines, FuzzExpectation expect) {
    private static final int PREVIEW_BYTES = 96;

    /** The same case, counted as of {@code other} kind. */
    FuzzCase as(FuzzKind other) {
        return other == kind ? this : new FuzzCase(other, what, bytes, byteByByte, lines, expect);
    }

    /** The start of the bytes, printable: ASCII as is, anything else as \xHH; and how many there are. */
    String preview() {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(bytes.length, PREVIEW_BYTES);
        for (int i = 0; i < shown; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                out.append((char) b);
            } else if (b == '\n') {
                out.append("\\n");
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        if (shown < bytes.length) {
            out.append("... (").append(bytes.length).append(" bytes)");
        }
        return out.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
