package chat.history.ingest;

import chat.runtime.Freshness;
import chat.runtime.MonotonicTime;
import java.time.Duration;

/**
 * Whether the ingest still reads: a poll of Kafka returned within {@link #STALE}. A poll waits at most 500 ms, so a
 * longer silence means the ingest thread is stuck (on the database, or on a Kafka call that does not return), which
 * the health check tells. Thread-safe: the ingest thread records its polls, any thread asks.
 */
final class LastPoll {
    static final Duration STALE = Duration.ofSeconds(10);

    private final Freshness polls;

    /** The start counts as a poll: the ingest has {@link #STALE} to make its first. */
    LastPoll(MonotonicTime time) {
        this.polls = new Freshness(time, STALE);
    }

    void polled() {
        polls.happened();
    }

    /** Why the ingest does not count as reading, as far as its polls go; null while it does. */
    String problem() {
        return polls.fresh() ? null : "no poll of Kafka for " + STALE.toSeconds() + " s";
    }
}
