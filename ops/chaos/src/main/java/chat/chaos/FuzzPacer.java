package chat.chaos;

import java.time.Duration;

/**
 * Keeps one connection under the gateway's rate limit: its lines go at most {@code perSecond} a second, spaced evenly,
 * so its token bucket never runs dry. Not thread-safe: owned by its connection's thread.
 */
final class FuzzPacer {
    private final long gapNanos;
    private long nextNanos = System.nanoTime();

    FuzzPacer(double perSecond) {
        this.gapNanos = (long) (1e9 / perSecond);
    }

    /** Waits until {@code lines} more lines may go, and books their time. */
    void await(int lines) throws InterruptedException {
        long now = System.nanoTime();
        if (nextNanos > now) {
            Thread.sleep(Duration.ofNanos(nextNanos - now));
            now = System.nanoTime();
        }
        nextNanos = Math.max(now, nextNanos) + lines * gapNanos;
    }
}
