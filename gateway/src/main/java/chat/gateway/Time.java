package chat.gateway;

import chat.runtime.MonotonicTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a gateway's time comes from: the instant it stamps on events, the monotonic reading its deadlines, leases and
 * checks are measured in ({@link MonotonicTime}, as the history service's), the delayed tasks it schedules and the
 * pauses of the few threads that must wait. A gateway
 * is started with one ({@link #system()} in production) and hands it to every part that measures time, so that a test
 * steps the time instead of waiting for it. Thread-safe.
 */
interface Time extends MonotonicTime {
    /** The wall clock, for the timestamps written to the log and sent to clients. */
    Clock clock();

    /** Runs {@code task} once {@code delay} has passed, on a thread of the time's own. */
    void after(Duration delay, Runnable task);

    /** Pauses the calling thread for {@code duration}: for a thread whose whole job is to do something now and then. */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The process's: the UTC wall clock, {@link System#nanoTime()}, and one daemon thread for the whole process that
     * keeps the due times of delayed tasks, each of which runs on a virtual thread of its own, so that a task that
     * waits (on Kafka, say) holds up no other.
     */
    static Time system() {
        return SystemTime.INSTANCE;
    }

    /** The process's time. */
    final class SystemTime implements Time {
        private static final SystemTime INSTANCE = new SystemTime();

        private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("gateway-timers").daemon().factory());

        private SystemTime() {
            scheduler.setRemoveOnCancelPolicy(true);
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void after(Duration delay, Runnable task) {
            scheduler.schedule(() -> Thread.ofVirtual().name("timer").start(task), delay.toNanos(),
                TimeUnit.NANOSECONDS);
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration);
        }

        @Override
        public void await(Object monitor, Duration timeout) throws InterruptedException {
            MonotonicTime.system().await(monitor, timeout);
        }
    }
}
