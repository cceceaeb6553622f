package chat.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The time a service measures its deadlines, freshness and back-off in, and waits in: a monotonic reading, and a wait
 * on a monitor that a notify ends early (as a close ends a pause). A service is started with {@link #system()}; a test
 * passes one it steps, so that a rule about time is tested without waiting for it. Modelled on Kafka's {@code Time},
 * whose {@code waitObject} {@link #await} follows. Thread-safe.
 */
public interface MonotonicTime {
    /** A monotonic reading in nanoseconds, with no meaning but the difference between two readings. */
    long nanoTime();

    /**
     * Waits on {@code monitor}, whose lock the caller holds, until it is notified or at most {@code timeout}. It may
     * return sooner, as {@link Object#wait} may: the caller checks its condition and its deadline again.
     */
    void await(Object monitor, Duration timeout) throws InterruptedException;

    /** The process's: {@link System#nanoTime()} and {@link Object#wait(long, int)}. */
    static MonotonicTime system() {
        return SystemTime.INSTANCE;
    }

    /** The process's time. */
    final class SystemTime implements MonotonicTime {
        private static final SystemTime INSTANCE = new SystemTime();

        private SystemTime() {}

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void await(Object monitor, Duration timeout) throws InterruptedException {
            TimeUnit.NANOSECONDS.timedWait(monitor, Math.max(1, timeout.toNanos()));
        }
    }
}
