package chat.gateway;

import java.time.Duration;

/**
 * The pauses between the tries of something that keeps failing: the first, then twice the last each time, up to a
 * longest. Not thread-safe: owned by the thread that tries.
 */
final class Backoff {
    private final Duration longest;
    private Duration next;

    Backoff(Duration first, Duration longest) {
        if (!first.isPositive() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= longest");
        }
        this.longest = longest;
        this.next = first;
    }

    /** The pause before the next try. */
    Duration next() {
        Duration pause = next;
        next = pause.multipliedBy(2).compareTo(longest) > 0 ? longest : pause.multipliedBy(2);
        return pause;
    }
}
