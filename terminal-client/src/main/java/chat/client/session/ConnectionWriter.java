package chat.client.session;

import chat.protocol.Limits;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes one connection's bytes on a thread of its own, so that a gateway that takes no more of them (frozen, or its
 * socket's buffers full) never holds up the session's thread: that thread goes on watching for pongs, and sees the
 * gateway is gone. What waits to be written is bounded; past the bound the session gives the connection up. The
 * session's thread offers, asks and closes; the writer's thread writes. Thread-safe.
 */
final class ConnectionWriter {
    /**
     * Bytes that may wait for the socket: two bursts of the longest lines, far more than a paced session sends while a
     * gateway still reads. A batch is taken whatever its size when nothing waits.
     */
    static final long MAX_UNWRITTEN_BYTES = 2L * SendPacer.BURST * Limits.MAX_LINE_BYTES;
    /** Put behind the bytes to end the writer's thread. */
    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final Consumer<IOException> failed;
    private final LinkedBlockingQueue<byte[]> waiting = new LinkedBlockingQueue<>();
    /** Offered and not written yet, the write under way included. */
    private final AtomicLong unwritten = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts the writer of {@code out}; {@code failed} is told, on the writer's thread, when a write fails before
     * {@link #close}.
     */
    ConnectionWriter(String name, OutputStream out, Consumer<IOException> failed) {
        this.out = out;
        this.failed = failed;
        Thread.ofVirtual().name(name).start(this::run);
    }

    /**
     * Queues {@code bytes} to be written; false when too many wait already, which means the gateway stopped reading.
     * Only the session's thread offers, so the check and the add need no lock.
     */
    boolean offer(byte[] bytes) {
        long before = unwritten.get();
        if (before > 0 && before + bytes.length > MAX_UNWRITTEN_BYTES) {
            return false;
        }
        unwritten.addAndGet(bytes.length);
        waiting.add(bytes);
        return true;
    }

    /** Whether everything offered has been written. */
    boolean drained() {
        return unwritten.get() == 0;
    }

    /** Stops writing: what waits is dropped; the session closes the socket, which ends a write that hangs. */
    void close() {
        closed = true;
        waiting.clear();
        waiting.add(END);
    }

    private void run() {
        try {
            for (byte[] next = waiting.take(); next != END && !closed; next = waiting.take()) {
                out.write(next);
                out.flush();
                unwritten.addAndGet(-next.length);
            }
        } catch (IOException e) {
            if (!closed) {
                failed.accept(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
