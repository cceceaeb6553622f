package chat.client.failover;

import java.time.Duration;
import java.time.Instant;

/**
 * Tells a hung gateway from a quiet one: the client pings every {@code interval}, and a ping left without a pong for
 * {@code patience} means the gateway is lost, even though its connection is still open. Given the time, not reading
 * a clock. Not thread-safe: one owner drives it.
 */
public final class PingWatch {
    private final Duration interval;
    private final Duration patience;
    private Instant lastPing;
    private Instant unansweredSince;

    public PingWatch(Duration interval, Duration patience) {
        this.interval = interval;
        this.patience = patience;
    }

    /** A new connection: nothing is owed yet, and the first ping is due one interval from now. */
    public void reset(Instant now) {
        lastPing = now;
        unansweredSince = null;
    }

    /** Whether a ping should go out now. */
    public boolean pingDue(Instant now) {
        return !now.isBefore(lastPing.plus(interval));
    }

    public void pinged(Instant now) {
        lastPing = now;
        if (unansweredSince == null) {
            unansweredSince = now;
        }
    }

    /** A pong came: every ping sent so far is answered. */
    public void ponged() {
        unansweredSince = null;
    }

    /** True once a ping has waited {@code patience} without a pong. */
    public boolean overdue(Instant now) {
        return unansweredSince != null && !now.isBefore(unansweredSince.plus(patience));
    }
}
