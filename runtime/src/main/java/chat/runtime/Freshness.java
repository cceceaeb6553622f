package chat.runtime;

import java.time.Duration;

/**
 * Whether something that should happen again and again (Kafka taking a heartbeat, a poll returning) happened within
 * a period, read on a {@link MonotonicTime}. The start counts as a time it happened: what is watched has a period to
 * happen the first time. Thread-safe: one thread says it happened, any thread asks.
 */
public final class Freshness {
    private final MonotonicTime time;
    private final long periodNanos;
    private volatile long last;

    public Freshness(MonotonicTime time, Duration period) {
        this.time = time;
        this.periodNanos = period.toNanos();
        this.last = time.nanoTime();
    }

    /** It happened now. */
    public void happened() {
        last = time.nanoTime();
    }

    /** Whether it happened within the period before now. */
    public boolean fresh() {
        return time.nanoTime() - last < periodNanos;
    }
}
