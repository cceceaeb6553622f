package chat.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated UTF-8 lines of at most {@link Limits#MAX_LINE_BYTES} bytes, never
 * holding more than that limit plus one read buffer. A trailing carriage return is dropped and blank lines are
 * skipped, so a person typing into {@code nc} or {@code telnet} is understood. Not thread-safe: one reader per stream.
 * <p>
 * The buffers fit the traffic: the read buffer doubles while reads fill it and halves while they use less than a
 * quarter of it, and the line buffer goes back to its first size after a long line. A reader that waits on a quiet
 * stream, as a server's does for each idle client, holds about {@value #MIN_READ_BUFFER} bytes.
 */
public final class LineReader {
    static final int MIN_READ_BUFFER = 512;
    static final int MAX_READ_BUFFER = 8192;
    private static final int FIRST_LINE_BUFFER = 256;
    /** A line buffer grown past this is given back once its line is read. */
    private static final int KEPT_LINE_BUFFER = 4096;

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer = new byte[MIN_READ_BUFFER];
    private int position;
    private int limit;
    private byte[] line = new byte[FIRST_LINE_BUFFER];
    private int lineLength;

    public LineReader(InputStream in) {
        this(in, Limits.MAX_LINE_BYTES);
    }

    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next non-blank line, or null at the end of the stream (a last line without newline is dropped, as a frame
     * cut off mid-way). Throws {@link ErrorCode#FRAME_TOO_LARGE} when a line passes the limit (the stream is then out
     * of step and must be closed) and {@link ErrorCode#BAD_FRAME} for a line that is not UTF-8 (that line is consumed;
     * reading may go on).
     */
    public String readLine() throws IOException, ProtocolException {
        while (true) {
            if (position == limit && !fill()) {
                return null;
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? limit : newline;
            append(position, end - position);
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                int length = lineLength;
                lineLength = 0;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                if (length == 0) {
                    continue;
                }
                String decoded = decode(length);
                if (line.length > KEPT_LINE_BUFFER) {
                    line = new byte[FIRST_LINE_BUFFER];
                }
                return decoded;
            }
        }
    }

    /** Called once the buffer is used up, so it may be resized to what the last read suggests before reading again. */
    private boolean fill() throws IOException {
        if (limit == buffer.length && buffer.length < MAX_READ_BUFFER) {
            buffer = new byte[buffer.length * 2];
        } else if (limit < buffer.length / 4 && buffer.length > MIN_READ_BUFFER) {
            buffer = new byte[buffer.length / 2];
        }
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private int indexOfNewline() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int from, int count) throws ProtocolException {
        // One byte of slack for the carriage return that may precede the newline.
        if (lineLength + count > maxLineBytes + 1) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "a line may hold at most " + maxLineBytes + " bytes", null);
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes + 1, Math.max(line.length * 2, lineLength + count)));
        }
        System.arraycopy(buffer, from, line, lineLength, count);
        lineLength += count;
    }

    private String decode(int length) throws ProtocolException {
        if (length > maxLineBytes) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "a line may hold at most " + maxLineBytes + " bytes", null);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(line, 0, length))
                .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "a line must be valid UTF-8", null);
        }
    }
}
