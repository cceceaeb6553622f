package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.LineReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deadline of a line, on a clock the test moves: no socket, no waiting. */
class DeadlineInputStreamTest {
    private static final long MS = 1_000_000L;

    /** The clock the stream reads, in nanoseconds. */
    private long now;
    /** Every read timeout the stream set, in milliseconds. */
    private final List<Integer> timeouts = new ArrayList<>();

    private DeadlineInputStream deadlineAt(long deadlineNanos, InputStream in) {
        return new DeadlineInputStream(in, timeouts::add, () -> now, deadlineNanos);
    }

    @Test
    void eachReadMayWaitOnlyWhatIsLeftOfTheDeadline() throws Exception {
        DeadlineInputStream in = deadlineAt(1_000 * MS, new ByteArrayInputStream(new byte[] {1, 2, 3}));
        assertEquals(1, in.read());
        now = 400 * MS;
        assertEquals(2, in.read());
        now = 1_000 * MS - 1;
        assertEquals(3, in.read());
        assertEquals(List.of(1_000, 600, 1), timeouts, "rounded up, so never 0 (no timeout at all) nor early");
    }

    @Test
    void aReadAtTheDeadlineFailsWithoutReading() {
        ByteArrayInputStream bytes = new ByteArrayInputStream(new byte[] {1, 2, 3});
        DeadlineInputStream in = deadlineAt(1_000 * MS, bytes);
        now = 1_000 * MS;
        assertThrows(SocketTimeoutException.class, in::read);
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[8], 0, 8));
        assertEquals(3, bytes.available(), "nothing was read");
    }

    @Test
    void aClientTricklingAByteAtATimeCannotStretchTheDeadlineOfItsLine() {
        LineReader reader = new LineReader(deadlineAt(1_000 * MS, trickle("{\"type\":\"hello\",\"nick\":\"loris\"}\n")));
        assertThrows(SocketTimeoutException.class, reader::readLine);
        assertEquals(1_200 * MS, now, "given up at the first read past the deadline, though a byte came every 300 ms");
        assertEquals(List.of(1_000, 700, 400, 100), timeouts);
    }

    @Test
    void aNewDeadlineGivesTheNextLineItsOwnTime() throws Exception {
        DeadlineInputStream in = deadlineAt(1_000 * MS, trickle("ab\ncd\n"));
        LineReader reader = new LineReader(in);
        assertEquals("ab", reader.readLine());
        assertEquals(900 * MS, now);
        in.deadline(now + 1_000 * MS);
        assertEquals("cd", reader.readLine(), "a line that alone would have run past the first deadline");
        assertTrue(now > 1_000 * MS);
    }

    /** A client that sends one byte every 300 ms: each read returns one byte, 300 ms on the clock later. */
    private InputStream trickle(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                if (next == bytes.length) {
                    return -1;
                }
                now += 300 * MS;
                return bytes[next++];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int one = read();
                if (one < 0) {
                    return -1;
                }
                b[off] = (byte) one;
                return 1;
            }
        };
    }
}
