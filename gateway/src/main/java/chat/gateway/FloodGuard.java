package chat.gateway;

import java.time.Duration;

/**
 * One connection's rate limit: a token bucket of {@code burst} frames refilled at {@code perSecond}, and the flood
 * streak that ends in a cut-off. A streak starts with the first refused frame and lasts while the client keeps being
 * refused: it ends only when a frame is accepted more than a second after the last refusal, so a client sending just
 * over its rate (some frames accepted, some refused) is still flooding. Time is passed in, so tests need no clock.
 * Not thread-safe: owned by the connection's reader thread.
 */
final class FloodGuard {
    enum Verdict {
        ACCEPT,
        /** Over the rate: drop the frame and say rate_limited. */
        REJECT,
        /** Over the rate for the whole cut-off: close the connection. */
        CUT_OFF
    }

    private static final long STREAK_GAP_NANOS = 1_000_000_000L;

    private final double tokensPerNano;
    private final double capacity;
    private final long cutOffNanos;
    private double tokens;
    private long refilledAt;
    private long streakStart = -1;
    private long lastRejection;

    FloodGuard(int perSecond, int burst, Duration cutOff, long nowNanos) {
        this.tokensPerNano = perSecond / 1e9;
        this.capacity = burst;
        this.cutOffNanos = cutOff.toNanos();
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    Verdict admit(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - refilledAt) * tokensPerNano);
        refilledAt = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            if (streakStart >= 0 && nowNanos - lastRejection > STREAK_GAP_NANOS) {
                streakStart = -1;
            }
            return Verdict.ACCEPT;
        }
        if (streakStart < 0) {
            streakStart = nowNanos;
        }
        lastRejection = nowNanos;
        return nowNanos - streakStart >= cutOffNanos ? Verdict.CUT_OFF : Verdict.REJECT;
    }
}
