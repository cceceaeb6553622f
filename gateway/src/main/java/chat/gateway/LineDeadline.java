package chat.gateway;

import java.time.Duration;

/**
 * When a connection's next complete line is due, and why the connection closes when one is not in time: the first
 * line (the hello, and before it a TLS handshake) within the first-line timeout of connecting, so a client that
 * connects and says nothing is closed as too slow; each later line within the idle timeout of the one before, so a
 * client gone quiet is closed as idle. Given the time rather than reading a clock. Not thread-safe: owned by the
 * connection's reader thread.
 */
final class LineDeadline {
    private final long idleNanos;
    private long due;
    private boolean anyLine;

    LineDeadline(Duration firstLine, Duration idle, long connectedAt) {
        this.idleNanos = idle.toNanos();
        this.due = connectedAt + firstLine.toNanos();
    }

    /** When the next line is due, as a reading of the gateway's {@link Time#nanoTime()}. */
    long due() {
        return due;
    }

    /** A line came at {@code now}; the next one is due an idle timeout later, which this returns. */
    long lineRead(long now) {
        anyLine = true;
        due = now + idleNanos;
        return due;
    }

    /** Why the connection closes when the line due did not come in time. */
    CloseReason missed() {
        return anyLine ? CloseReason.IDLE : CloseReason.TOO_SLOW;
    }
}
