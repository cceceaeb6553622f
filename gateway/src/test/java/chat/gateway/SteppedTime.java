package chat.gateway;

import chat.runtime.MonotonicTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time that moves only when the test steps it. The tasks that come due run on the stepping thread, in the order they
 * come due; a thread asleep wakes once a step takes the time past the end of its sleep. {@link #timersOnly()} steps
 * the delayed tasks alone, and reads, sleeps and waits on the wall clock: for a gateway against a real Kafka, whose
 * heartbeats must go on while the test holds one decision back. Thread-safe.
 */
final class SteppedTime implements Time {
    /** Where the stepped clock starts: a fixed instant, so that the timestamps a test sees are the same every run. */
    static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    private record Due(long at, Runnable task) {}

    private final boolean steppedReads;
    private final List<Due> waiting = new ArrayList<>();
    /** Nanoseconds stepped since {@link #START}. Guarded by this. */
    private long now;
    private int sleeping;

    SteppedTime() {
        this(true);
    }

    private SteppedTime(boolean steppedReads) {
        this.steppedReads = steppedReads;
    }

    /** Delayed tasks wait for the test's steps; the clock, the monotonic reading and sleeps are the wall clock's. */
    static SteppedTime timersOnly() {
        return new SteppedTime(false);
    }

    @Override
    public Clock clock() {
        return steppedReads ? new SteppedClock() : Clock.systemUTC();
    }

    @Override
    public long nanoTime() {
        return steppedReads ? stepped() : System.nanoTime();
    }

    @Override
    public synchronized void after(Duration delay, Runnable task) {
        waiting.add(new Due(now + delay.toNanos(), task));
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (!steppedReads) {
            Thread.sleep(duration);
            return;
        }
        synchronized (this) {
            long wakeAt = now + duration.toNanos();
            sleeping++;
            try {
                while (now - wakeAt < 0) {
                    wait();
                }
            } finally {
                sleeping--;
            }
        }
    }

    /**
     * Waits on {@code monitor} until it is notified, or (with stepped reads) a millisecond of the wall clock at most:
     * the caller then finds out for itself whether its deadline passed on the stepped time, as a caller of
     * {@link Object#wait} must (a wake-up at each step instead would race with a thread about to wait).
     */
    @Override
    public void await(Object monitor, Duration timeout) throws InterruptedException {
        if (steppedReads) {
            monitor.wait(1);
        } else {
            MonotonicTime.system().await(monitor, timeout);
        }
    }

    private synchronized long stepped() {
        return now;
    }

    /** How many tasks wait to come due. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** How many threads sleep until a step wakes them. */
    synchronized int sleeping() {
        return sleeping;
    }

    /** Moves the time on by {@code step}, wakes the threads whose sleep is over and runs every task then due. */
    void step(Duration step) {
        List<Due> due = new ArrayList<>();
        synchronized (this) {
            now += step.toNanos();
            waiting.removeIf(d -> now - d.at() >= 0 && due.add(d));
            notifyAll();
        }
        due.sort(Comparator.comparingLong(Due::at));
        due.forEach(d -> d.task().run());
    }

    /** The stepped time as a wall clock, from {@link #START}. */
    private final class SteppedClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the stepped clock is UTC's");
        }

        @Override
        public Instant instant() {
            return START.plusNanos(stepped());
        }
    }
}
