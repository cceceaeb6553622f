package chat.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of one fan-out bench message, the same bytes on every system: {@code fo STEP SENDER COUNTER m|w SENT}
 * padded with {@code x} to {@link #SIZE} bytes. {@code SENT} is {@link System#nanoTime()} when the message was sent:
 * one JVM sends and receives, so the clock is shared. {@code m} marks a message sent after the step's warm-up, whose
 * latency counts; {@code w} one of the warm-up. ASCII letters, digits and spaces only, so it needs no escaping in JSON,
 * NATS or IRC. Thread-safe: it holds nothing.
 */
final class Payload {
    static final int SIZE = 100;
    private static final byte[] MAGIC = Ascii.bytes("fo ");

    private Payload() {}

    static byte[] encode(int step, int sender, int counter, boolean measured, long sentNanos) {
        String head = "fo " + step + ' ' + sender + ' ' + counter + ' ' + (measured ? 'm' : 'w') + ' ' + sentNanos + ' ';
        byte[] text = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), Math.max(SIZE, head.length()));
        Arrays.fill(text, head.length(), text.length, (byte) 'x');
        return text;
    }

    /**
     * Reads the payload that starts at {@code b[from]} (and ends before {@code to}) and records it as received at
     * {@code receivedNanos}; false, recording nothing, when it is no payload of this bench.
     */
    static boolean record(byte[] b, int from, int to, Receipts receipts, long receivedNanos) {
        if (!Ascii.startsWith(b, from, to, MAGIC)) {
            return false;
        }
        Cursor c = new Cursor(b, from + MAGIC.length, to);
        long step = c.number();
        long sender = c.number();
        long counter = c.number();
        if (c.at >= to) {
            return false;
        }
        boolean measured = b[c.at] == 'm';
        c.at += 2;
        long sent = c.number();
        if (!c.ok || step > Integer.MAX_VALUE || sender > Integer.MAX_VALUE || counter > Integer.MAX_VALUE) {
            return false;
        }
        receipts.record((int) step, (int) sender, (int) counter, measured, receivedNanos - sent);
        return true;
    }

    /** Reads space-separated decimal numbers, in place. */
    private static final class Cursor {
        private final byte[] b;
        private final int to;
        int at;
        boolean ok = true;

        Cursor(byte[] b, int at, int to) {
            this.b = b;
            this.at = at;
            this.to = to;
        }

        /** The number at the cursor (a minus sign allowed: nanoTime may be negative), then past the space after it. */
        long number() {
            boolean negative = at < to && b[at] == '-';
            if (negative) {
                at++;
            }
            long value = 0;
            int digits = 0;
            while (at < to && b[at] >= '0' && b[at] <= '9' && digits < 19) {
                value = value * 10 + (b[at++] - '0');
                digits++;
            }
            if (digits == 0 || at >= to || b[at] != ' ') {
                ok = false;
            }
            at++;
            return negative ? -value : value;
        }
    }
}
