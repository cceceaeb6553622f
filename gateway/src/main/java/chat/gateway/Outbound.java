package chat.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lines waiting for one client, and the loop that writes them. Any thread may {@link #offer} a line (UTF-8 bytes
 * ending in a newline, often one array shared by every recipient of an event); only the connection's writer thread
 * runs {@link #drainTo}. A full outbound is never waited on: the caller learns it and cuts the client off, so one slow
 * reader cannot slow anyone else.
 * <p>
 * An idle connection holds no buffer and no writer: the lines wait in a queue that exists only while there are some,
 * the writer gathers what has queued into one write of its own, given back once written, and a writer that finds
 * nothing more to write ends; the next line starts another. (Starting a virtual thread costs about what waking a
 * parked one does, and a writer that never parks has no stack to keep.) An offer need not start the writer at once:
 * the fan-out queues a batch of events for all their recipients and then {@link #wake}s each recipient once, so a busy
 * client costs one writer and one write per batch instead of one per line. Thread-safe.
 */
final class Outbound {
    /** The most bytes the writer gathers into one write. */
    static final int MAX_WRITE_BYTES = 65_536;

    /** Lines cross threads under this lock; a sender that may wait for room waits on {@code drained}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final int capacity;
    /** Lines queued and not yet taken by the writer; null while there are none. */
    private ArrayDeque<byte[]> queue;
    /** Lines the writer took and has not finished writing: they count against the capacity until written. */
    private int writing;
    /**
     * Lines queued while no writer ran, since one was last started: a {@link #wake} then has something to start one
     * for. Written under the lock; read without it by {@link #wake}, which has nothing to do when it is false.
     */
    private volatile boolean unannounced;
    /** Starts a writer thread, which runs {@link #drainTo}. */
    private final Runnable startWriter;
    private Writer writer = Writer.HELD;
    /** Senders waiting for room, so that the writer signals only when someone listens. */
    private int roomWaiters;
    /** The end is queued: the writer writes what came before and stops; later offers are dropped. */
    private boolean ending;

    private enum Writer {
        /** None may start yet: the connection's transport is not ready (a TLS handshake is under way). */
        HELD,
        /** None runs; the next line announced starts one. */
        IDLE,
        /** One runs, and takes every line queued before it ends. */
        RUNNING,
        /** The end was written, or the socket failed: none will run again. */
        DONE
    }

    /** An outbound whose writers {@code startWriter} starts, once {@link #release}d. */
    Outbound(int capacity, Runnable startWriter) {
        this.capacity = capacity;
        this.startWriter = startWriter;
    }

    /** The transport is ready: writers may start, the first at once if lines are waiting. */
    void release() {
        lock.lock();
        try {
            if (writer == Writer.HELD) {
                writer = Writer.IDLE;
                unannounced = queue != null || ending;
                wakeLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The socket failed: nothing more is written, and no writer starts again. */
    void fail() {
        lock.lock();
        try {
            writer = Writer.DONE;
            queue = null;
            writing = 0;
            ending = true;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lines waiting to be written. */
    int queued() {
        lock.lock();
        try {
            return queuedLocked();
        } finally {
            lock.unlock();
        }
    }

    private int queuedLocked() {
        return (queue == null ? 0 : queue.size()) + writing;
    }

    /**
     * Queues a line, and wakes the writer when {@code wakeNow}; otherwise the caller {@link #wake}s it later. False
     * when the outbound is full. A line offered after the end is dropped: the client is being closed.
     */
    boolean offer(byte[] line, boolean wakeNow) {
        lock.lock();
        try {
            if (ending) {
                return true;
            }
            if (queuedLocked() >= capacity) {
                return false;
            }
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(line);
            if (writer != Writer.RUNNING) {
                // A running writer takes every line queued before it ends: this one needs no announcing.
                unannounced = true;
            }
            if (wakeNow) {
                wakeLocked();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Starts a writer for the lines queued since one was last started, unless one runs (it takes them too). */
    void wake() {
        if (!unannounced) {
            return;
        }
        lock.lock();
        try {
            wakeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void wakeLocked() {
        if (!unannounced) {
            return;
        }
        switch (writer) {
            case IDLE -> {
                writer = Writer.RUNNING;
                startWriter.run();
            }
            case RUNNING -> {
                // It takes what is queued before it ends.
            }
            case HELD, DONE -> {
                // Held: release() announces what waits. Done: nothing is written any more.
                return;
            }
        }
        unannounced = false;
    }

    /**
     * Waits until the outbound has room for {@code lines} more, for a sender that may wait (a history replay) and must
     * not push its client past the bound. False when that did not happen within {@code patience}.
     */
    boolean awaitRoom(int lines, Duration patience) throws InterruptedException {
        long left = patience.toNanos();
        lock.lock();
        try {
            roomWaiters++;
            try {
                while (capacity - queuedLocked() < lines) {
                    if (left <= 0) {
                        return false;
                    }
                    left = drained.awaitNanos(left);
                }
                return true;
            } finally {
                roomWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Throws away what is queued, then queues {@code lastLine} (if not null) and the end of the stream. */
    void replaceWithLast(byte[] lastLine) {
        lock.lock();
        try {
            if (!ending) {
                queue = null;
                end(lastLine);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code lastLine} (if not null) and the end of the stream after what is queued; when the last line does
     * not fit, the backlog is dropped for it as by {@link #replaceWithLast}.
     */
    void finish(byte[] lastLine) {
        lock.lock();
        try {
            if (!ending && lastLine != null && queuedLocked() >= capacity) {
                queue = null;
            }
            end(lastLine);
        } finally {
            lock.unlock();
        }
    }

    private void end(byte[] lastLine) {
        if (ending || writer == Writer.DONE) {
            return;
        }
        if (lastLine != null) {
            if (queue == null) {
                queue = new ArrayDeque<>(1);
            }
            queue.add(lastLine);
        }
        ending = true;
        unannounced = true;
        wakeLocked();
    }

    /**
     * The writer's work: writes queued lines to {@code out}, all that has gathered at once, in writes of at most
     * {@link #MAX_WRITE_BYTES}, until the end of the stream (then true) or until nothing is left (then false: this
     * writer is done, and the next line starts another). Throws when the socket fails; the caller then {@link #fail}s
     * this.
     */
    boolean drainTo(OutputStream out, GatewayMetrics metrics) throws IOException {
        while (true) {
            ArrayDeque<byte[]> lines;
            boolean last;
            lock.lock();
            try {
                if (queue == null && !ending) {
                    writer = Writer.IDLE;
                    return false;
                }
                lines = queue;
                queue = null;
                writing = lines == null ? 0 : lines.size();
                last = ending;
            } finally {
                lock.unlock();
            }
            if (lines != null) {
                write(lines, out);
                metrics.framesOut(lines.size());
                lock.lock();
                try {
                    writing = 0;
                    if (roomWaiters > 0) {
                        drained.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (last) {
                lock.lock();
                try {
                    writer = Writer.DONE;
                } finally {
                    lock.unlock();
                }
                return true;
            }
        }
    }

    /** One write for a lone line, which goes out as it is; the lines of a batch are gathered into as few as fit. */
    private static void write(ArrayDeque<byte[]> lines, OutputStream out) throws IOException {
        if (lines.size() == 1) {
            out.write(lines.peekFirst());
            out.flush();
            return;
        }
        long remaining = 0;
        for (byte[] line : lines) {
            remaining += line.length;
        }
        byte[] gathered = null;
        int filled = 0;
        for (byte[] line : lines) {
            if (gathered != null && filled + line.length > gathered.length) {
                out.write(gathered, 0, filled);
                gathered = null;
            }
            if (gathered == null && line.length >= MAX_WRITE_BYTES) {
                out.write(line);
            } else {
                if (gathered == null) {
                    gathered = new byte[(int) Math.min(MAX_WRITE_BYTES, remaining)];
                    filled = 0;
                }
                System.arraycopy(line, 0, gathered, filled, line.length);
                filled += line.length;
            }
            remaining -= line.length;
        }
        if (gathered != null) {
            out.write(gathered, 0, filled);
        }
        out.flush();
    }
}
