package chat.history.ingest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Where the ingest's time comes from: the monotonic reading its freshness, back-off and waits are measured in, and the
 * waits themselves. The service starts the ingest with {@link #system()}; a test passes one it steps, so that the
 * ingest's time rules are tested without waiting. Modelled on Kafka's {@code Time}, whose {@code waitObject} this
 * {@link #await} follows. Thread-safe.
 */
public interface IngestTime {
    /** A monotonic reading in nanoseconds, with no meaning but the difference between two readings. */
    long nanoTime();

    /**
     * Waits on {@code monitor}, whose lock the caller holds, until it is notified or at most {@code timeout}. It may
     * return sooner, as {@link Object#wait} may: the caller checks its condition and its deadline again.
     */
    void await(Object monitor, Duration timeout) throws InterruptedException;

    /** The process's: {@link System#nanoTime()} and {@link Object#wait(long, int)}. */
    static IngestTime system() {
        return SystemTime.INSTANCE;
    }

    /** The process's time. */
    final class SystemTime implements IngestTime {
        private static final SystemTime INSTANCE = new SystemTime();

        private SystemTime() {}

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void await(Object monitor, Duration timeout) throws InterruptedException {
            TimeUnit.NANOSECONDS.timedWait(monitor, timeout.toNanos());
        }
    }
}
