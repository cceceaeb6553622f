package chat.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with a deadline for the next complete line. A socket timeout alone bounds each read, so a client
 * trickling a byte at a time could hold a connection forever; this bounds the whole line: every read may only wait
 * for what is left until the deadline. Not thread-safe: owned by the connection's reader thread.
 */
final class DeadlineInputStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private long deadlineNanos;

    DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
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
        long leftNanos = deadlineNanos - System.nanoTime();
        if (leftNanos <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        // Rounded up: a timeout never fires before the deadline.
        long leftMillis = (leftNanos + 999_999) / 1_000_000;
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
