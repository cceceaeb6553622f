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
 */
public final class LineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
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
                return decode(length);
            }
        }
    }

    private boolean fill() throws IOException {
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
