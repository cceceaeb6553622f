package chat.history.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Time that moves only when the test steps it. A thread waiting in {@link #await} is woken by every step (and by a
 * notify), and then finds out for itself whether its deadline passed, as a caller of {@link Object#wait} must.
 * Thread-safe.
 */
final class SteppedIngestTime implements IngestTime {
    /** Nanoseconds stepped so far. Guarded by this. */
    private long now;
    /** The monitors waited on, once per waiting thread. Guarded by this. */
    private final List<Object> awaited = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void await(Object monitor, Duration timeout) throws InterruptedException {
        synchronized (this) {
            awaited.add(monitor);
        }
        try {
            monitor.wait();
        } finally {
            synchronized (this) {
                awaited.remove(monitor);
            }
        }
    }

    /** Moves the time on by {@code step} and wakes every thread waiting. */
    void step(Duration step) {
        List<Object> toWake;
        synchronized (this) {
            now += step.toNanos();
            toWake = List.copyOf(awaited);
        }
        for (Object monitor : toWake) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }
}
