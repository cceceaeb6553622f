package chat.gateway;

import java.time.Duration;

/**
 * Something a thread does now and then between its other work, at most once a period: the fan-out's look for
 * partitions added to the topic. Given the time rather than reading a clock, so the period is tested without waiting.
 * Not thread-safe: owned by the thread that asks.
 */
final class Every {
    private final long periodNanos;
    private long last;

    /** The first period starts at {@code nowNanos}. */
    Every(Duration period, long nowNanos) {
        this.periodNanos = period.toNanos();
        this.last = nowNanos;
    }

    /** Whether more than a period has passed since it was last due; if so, the next period starts now. */
    boolean due(long nowNanos) {
        if (nowNanos - last <= periodNanos) {
            return false;
        }
        last = nowNanos;
        return true;
    }
}
