package chat.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;

/**
 * A socket's input with a deadline for the next complete line. A socket timeout alone bounds each read, so a client
 * trickling a byte at a time could hold a connection forever; this bounds the whole line: every read may only wait
 * for what is left until the deadline. Not thread-safe: owned by the connection's reader thread.
 */
final class DeadlineInputStream extends InputStream {
    /** Bounds how long the next read of the input may block ({@link Socket#setSoTimeout}). */
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    private final InputStream in;
    private final ReadTimeout readTimeout;
    private final LongSupplier nanoTime;
    private long deadlineNanos;

    /** The input, its read timeout and the clock given, so that the deadline is tested without a socket or waiting. */
    DeadlineInputStream(InputStream in, ReadTimeout readTimeout, LongSupplier nanoTime, long deadlineNanos) {
        this.in = in;
        this.readTimeout = readTimeout;
        this.nanoTime = nanoTime;
        this.deadlineNanos = deadlineNanos;
    }

    void deadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public int read() throws IOException {
        waitAtMostUntilDeadline();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        waitAtMostUntilDeadline();
        return in.read(b, off, len);
    }

    private void waitAtMostUntilDeadline() throws IOException {
        long leftNanos = deadlineNanos - nanoTime.getAsLong();
        if (leftNanos <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        // Rounded up: a timeout never fires before the deadline (and is never 0, which would mean no timeout).
        long leftMillis = (leftNanos + 999_999) / 1_000_000;
        readTimeout.set((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
