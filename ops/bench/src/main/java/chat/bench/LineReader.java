package chat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a connection, read in large chunks into one buffer and handed out in place: no copy and no string per
 * line, so that a receiver of hundreds of thousands of lines a second costs the load generator little. A line ends
 * with {@code \n}, and a {@code \r} before it is left out. Bytes come from a blocking stream during a handshake
 * ({@link #next}) and from a non-blocking channel afterwards ({@link #readFrom}, then {@link #nextBuffered}); what the
 * handshake read beyond its last line stays in the buffer for the rest. Not thread-safe: one thread at a time owns it.
 */
final class LineReader {
    /** Longer than any line of the three protocols (a chat gateway's are at most 1 MiB), so only a broken peer hits it. */
    private static final int MAX_LINE = 2 * 1024 * 1024;

    private byte[] buffer = new byte[16 * 1024];
    private ByteBuffer window = ByteBuffer.wrap(buffer);
    /** The bytes read and not yet handed out are {@code buffer[unread, filled)}; up to {@code scanned} hold no newline. */
    private int unread;
    private int scanned;
    private int filled;
    private int lineStart;
    private int lineEnd;

    /** The next line of the bytes already read; false when they hold no whole line. */
    boolean nextBuffered() {
        for (int i = Math.max(scanned, unread); i < filled; i++) {
            if (buffer[i] == '\n') {
                lineStart = unread;
                lineEnd = i > unread && buffer[i - 1] == '\r' ? i - 1 : i;
                unread = i + 1;
                scanned = unread;
                return true;
            }
        }
        scanned = filled;
        return false;
    }

    /** The next line, reading from {@code in} until one is whole; false at the end of the stream. */
    boolean next(InputStream in) throws IOException {
        while (!nextBuffered()) {
            makeRoom();
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return false;
            }
            filled += n;
        }
        return true;
    }

    /** Reads what {@code channel} has: the bytes read, 0 when none were there, -1 at the end of the stream. */
    int readFrom(ReadableByteChannel channel) throws IOException {
        makeRoom();
        window.limit(buffer.length).position(filled);
        int n = channel.read(window);
        if (n > 0) {
            filled += n;
        }
        return n;
    }

    /** Moves the unread bytes to the front, and grows the buffer when they fill it. */
    private void makeRoom() throws IOException {
        if (unread > 0) {
            System.arraycopy(buffer, unread, buffer, 0, filled - unread);
            filled -= unread;
            scanned -= unread;
            unread = 0;
        }
        if (filled == buffer.length) {
            if (buffer.length >= MAX_LINE) {
                throw new IOException("a line longer than " + MAX_LINE + " bytes");
            }
            byte[] larger = new byte[buffer.length * 2];
            System.arraycopy(buffer, 0, larger, 0, filled);
            buffer = larger;
            window = ByteBuffer.wrap(buffer);
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int start() {
        return lineStart;
    }

    int end() {
        return lineEnd;
    }

    /** The line as text, for the few lines of a handshake and for error messages. */
    String line() {
        return new String(buffer, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
    }

    /** Whether the line starts with {@code prefix}. */
    boolean startsWith(byte[] prefix) {
        return Ascii.startsWith(buffer, lineStart, lineEnd, prefix);
    }

    /** Where {@code pattern} first occurs in the line, or -1. */
    int indexOf(byte[] pattern) {
        return Ascii.indexOf(buffer, lineStart, lineEnd, pattern);
    }
}
