package chat.runtime;

import java.time.Duration;

/**
 * The pauses between the tries of something that keeps failing (a poll of Kafka, a transaction of the store, a fetch
 * from the history service): the first, then twice the last each time, up to a longest; a success starts again from
 * the first. Not thread-safe: owned by the thread that tries.
 */
public final class Backoff {
    private final Duration first;
    private final Duration longest;
    private Duration next;

    public Backoff(Duration first, Duration longest) {
        if (!first.isPositive() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= longest");
        }
        this.first = first;
        this.longest = longest;
        this.next = first;
    }

    /** The pause before the next try. */
    public Duration next() {
        Duration pause = next;
        next = pause.multipliedBy(2).compareTo(longest) > 0 ? longest : pause.multipliedBy(2);
        return pause;
    }

    /** A try succeeded: the next failure pauses the first pause again. */
    public void reset() {
        next = first;
    }
}
