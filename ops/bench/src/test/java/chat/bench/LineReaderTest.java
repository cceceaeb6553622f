package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bytes in, lines out: no socket. */
class LineReaderTest {
    @Test
    void handsOutEachLineWithoutItsNewlineOrCarriageReturn() throws IOException {
        LineReader reader = new LineReader();
        InputStream in = stream("INFO {}\r\nPONG\r\n{\"type\":\"joined\"}\n\n");

        assertEquals(List.of("INFO {}", "PONG", "{\"type\":\"joined\"}", ""), readAll(reader, in));
    }

    @Test
    void joinsALineThatArrivesInPieces() throws IOException {
        LineReader reader = new LineReader();
        Chunks channel = new Chunks("MSG room 1 1", "00\r\nfo 1 2 3 m ", "4 xx\r", "\nPING\r\n");
        List<String> lines = new ArrayList<>();
        while (reader.readFrom(channel) >= 0) {
            while (reader.nextBuffered()) {
                lines.add(reader.line());
            }
        }

        assertEquals(List.of("MSG room 1 100", "fo 1 2 3 m 4 xx", "PING"), lines);
    }

    @Test
    void growsForALineLongerThanItsBuffer() throws IOException {
        LineReader reader = new LineReader();
        String members = "m".repeat(100_000);

        assertEquals(List.of(members, "after"), readAll(reader, stream(members + "\nafter\n")));
    }

    @Test
    void keepsWhatTheHandshakeReadBeyondItsLastLineForTheChannel() throws IOException {
        LineReader reader = new LineReader();
        // One read of the handshake brings its last line, a whole line after it and the start of another.
        assertTrue(reader.next(stream("PONG\r\nMSG room 1 3\r\nab")));
        assertEquals("PONG", reader.line());

        List<String> lines = new ArrayList<>();
        Chunks channel = new Chunks("c\r\n");
        do {
            while (reader.nextBuffered()) {
                lines.add(reader.line());
            }
        } while (reader.readFrom(channel) >= 0);

        assertEquals(List.of("MSG room 1 3", "abc"), lines);
    }

    @Test
    void findsPatternsWithinTheLineOnly() throws IOException {
        LineReader reader = new LineReader();
        InputStream in = stream(":m1!~m1@127.0.0.2 PRIVMSG #fanout :fo 0\r\nPRIVMSG\r\n");

        assertTrue(reader.next(in));
        assertEquals(":m1!~m1@127.0.0.2".length(), reader.indexOf(Ascii.bytes(" PRIVMSG #fanout :")) - reader.start());
        assertTrue(reader.startsWith(Ascii.bytes(":m1!")));
        assertTrue(reader.next(in));
        assertEquals(-1, reader.indexOf(Ascii.bytes(" PRIVMSG #fanout :")));
        assertFalse(reader.next(in));
    }

    private static List<String> readAll(LineReader reader, InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (reader.next(in)) {
            lines.add(reader.line());
        }
        return lines;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A channel that gives its chunks one read each, then the end of the stream. */
    private static final class Chunks implements ReadableByteChannel {
        private final Deque<byte[]> chunks = new ArrayDeque<>();

        Chunks(String... chunks) {
            for (String chunk : chunks) {
                this.chunks.add(chunk.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read(ByteBuffer into) {
            if (chunks.isEmpty()) {
                return -1;
            }
            byte[] chunk = chunks.poll();
            into.put(chunk);
            return chunk.length;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }
}
