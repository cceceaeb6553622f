package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @Test
    void splitsLinesAndDropsCarriageReturnsAndBlankLines() throws Exception {
        LineReader reader = reader("{\"a\":1}\r\n\n\r\n{\"b\":2}\n");
        assertEquals("{\"a\":1}", reader.readLine());
        assertEquals("{\"b\":2}", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void joinsALineThatArrivesInManySmallReads() throws Exception {
        byte[] bytes = "{\"text\":\"héllo 世界 😀\"}\n".getBytes(StandardCharsets.UTF_8);
        LineReader reader = new LineReader(oneByteAtATime(bytes));
        assertEquals("{\"text\":\"héllo 世界 😀\"}", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void dropsAnUnterminatedLastLine() throws Exception {
        LineReader reader = reader("{\"a\":1}\n{\"cut");
        assertEquals("{\"a\":1}", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void acceptsALineOfExactlyTheLimit() throws Exception {
        String line = "x".repeat(Limits.MAX_LINE_BYTES);
        LineReader reader = reader(line + "\r\n");
        assertEquals(line, reader.readLine());
    }

    @Test
    void refusesALineOneByteOverTheLimitEvenBeforeItsNewline() {
        LineReader endless = new LineReader(new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        });
        ProtocolException e = assertThrows(ProtocolException.class, endless::readLine);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());

        LineReader oneOver = reader("x".repeat(Limits.MAX_LINE_BYTES + 1) + "\n");
        assertEquals(ErrorCode.FRAME_TOO_LARGE, assertThrows(ProtocolException.class, oneOver::readLine).code());
    }

    @Test
    void refusesInvalidUtf8AndGoesOnWithTheNextLine() throws Exception {
        byte[] bad = {'{', (byte) 0xC3, (byte) 0x28, '}', '\n', 'o', 'k', '\n'};
        LineReader reader = new LineReader(new ByteArrayInputStream(bad));
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, reader::readLine).code());
        assertEquals("ok", reader.readLine());
    }

    @Test
    void theReadBufferGrowsForABurstAndShrinksBackWhenTheStreamGoesQuiet() throws Exception {
        List<byte[]> arrivals = new ArrayList<>();
        arrivals.add(("{\"burst\":\"" + "x".repeat(100) + "\"}\n").repeat(200).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 10; i++) {
            arrivals.add("{\"type\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        List<Integer> offered = new ArrayList<>();
        LineReader reader = new LineReader(new InputStream() {
            int arrival;
            int at;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                offered.add(len);
                if (arrival == arrivals.size()) {
                    return -1;
                }
                byte[] bytes = arrivals.get(arrival);
                int n = Math.min(len, bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                if (at == bytes.length) {
                    arrival++;
                    at = 0;
                }
                return n;
            }
        });
        int lines = 0;
        while (reader.readLine() != null) {
            lines++;
        }
        assertEquals(210, lines);
        assertEquals(LineReader.MIN_READ_BUFFER, offered.getFirst(), "a new reader starts small");
        assertEquals(LineReader.MAX_READ_BUFFER, offered.stream().mapToInt(Integer::intValue).max().orElseThrow(),
            "a burst grows the buffer up to its bound");
        assertEquals(LineReader.MIN_READ_BUFFER, offered.getLast(), "quiet traffic gives the growth back");
    }

    private static LineReader reader(String text) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static InputStream oneByteAtATime(byte[] bytes) {
        return new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
    }
}
