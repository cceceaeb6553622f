package chat.gateway;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once a delay has passed. A gateway's delayed decisions go through the one it is started with, so that a
 * test steps the time instead of waiting for it. Thread-safe.
 */
interface Timers {
    /** Runs {@code task} once {@code delay} has passed, on a thread of the timers' own. */
    void after(Duration delay, Runnable task);

    /**
     * The wall clock's: one daemon thread for the whole process keeps the due times, and each task runs on a virtual
     * thread of its own, so that a task that waits (on Kafka, say) holds up no other.
     */
    static Timers system() {
        return SystemTimers.INSTANCE;
    }

    /** The process's wall-clock timers. */
    final class SystemTimers implements Timers {
        private static final SystemTimers INSTANCE = new SystemTimers();

        private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("gateway-timers").daemon().factory());

        private SystemTimers() {
            scheduler.setRemoveOnCancelPolicy(true);
        }

        @Override
        public void after(Duration delay, Runnable task) {
            scheduler.schedule(() -> Thread.ofVirtual().name("timer").start(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
