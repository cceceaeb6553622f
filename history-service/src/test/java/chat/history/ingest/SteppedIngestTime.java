package chat.history.ingest;

import chat.runtime.MonotonicTime;
import java.time.Duration;

/**
 * Time that moves only when the test steps it. A wait returns at a notify or within a millisecond of the wall clock,
 * and the waiting thread then finds out for itself whether its deadline passed on the stepped time, as a caller of
 * {@link Object#wait} must (a wake-up at each step instead would race with a thread about to wait). Thread-safe.
 */
final class SteppedIngestTime implements MonotonicTime {
    private volatile long now;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void await(Object monitor, Duration timeout) throws InterruptedException {
        monitor.wait(1);
    }

    /** Moves the time on by {@code step}. */
    synchronized void step(Duration step) {
        now += step.toNanos();
    }
}
