package chat.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue of lines waiting for one client, and the loop that writes them. Any thread may {@link #offer};
 * only the connection's writer thread runs {@link #drainTo}. A full queue is never waited on: the caller learns it
 * and cuts the client off, so one slow reader cannot slow anyone else. Thread-safe.
 */
final class Outbound {
    /** Marks the end of the stream: the writer flushes what came before and stops. */
    private static final String END = new String("END");
    private static final int MAX_BATCH = 256;

    private final BlockingQueue<String> queue;
    /** Signalled whenever the writer takes lines off the queue, for {@link #awaitRoom}. */
    private final Object drained = new Object();

    Outbound(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Lines waiting to be written. */
    int queued() {
        return queue.size();
    }

    /** Queues a line; false when the queue is full. */
    boolean offer(String line) {
        return queue.offer(line);
    }

    /**
     * Waits until the queue has room for {@code lines} more, for a sender that may wait (a history replay) and must
     * not push its client past the bound. False when that did not happen within {@code patience}.
     */
    boolean awaitRoom(int lines, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (drained) {
            while (queue.remainingCapacity() < lines) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return true;
    }

    /** Throws away what is queued, then queues {@code lastLine} (if not null) and the end of the stream. */
    void replaceWithLast(String lastLine) {
        queue.clear();
        if (lastLine != null) {
            queue.offer(lastLine);
        }
        queue.offer(END);
    }

    /**
     * Queues {@code lastLine} (if not null) and the end of the stream after what is queued; when they do not both fit,
     * the backlog is dropped for them as by {@link #replaceWithLast}.
     */
    void finish(String lastLine) {
        int needed = lastLine == null ? 1 : 2;
        if (queue.remainingCapacity() < needed || (lastLine != null && !queue.offer(lastLine)) || !queue.offer(END)) {
            replaceWithLast(lastLine);
        }
    }

    /**
     * Writes queued lines to {@code out} until the end of the stream, several lines per flush when they queue up.
     * Returns normally at the end; throws when the socket fails.
     */
    void drainTo(OutputStream out, GatewayMetrics metrics) throws IOException, InterruptedException {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            batch.add(queue.take());
            queue.drainTo(batch, MAX_BATCH - 1);
            synchronized (drained) {
                drained.notifyAll();
            }
            int written = 0;
            for (String line : batch) {
                if (line == END) {
                    out.flush();
                    metrics.framesOut(written);
                    return;
                }
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                written++;
            }
            out.flush();
            metrics.framesOut(written);
            batch.clear();
        }
    }
}
