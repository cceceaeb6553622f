package chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Timers whose time moves only when the test steps it; the tasks that come due run on the stepping thread. */
final class SteppedTimers implements Timers {
    private record Due(Duration at, Runnable task) {}

    private final List<Due> waiting = new ArrayList<>();
    private Duration now = Duration.ZERO;

    @Override
    public synchronized void after(Duration delay, Runnable task) {
        waiting.add(new Due(now.plus(delay), task));
    }

    /** How many tasks wait to come due. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** Moves the time on by {@code step} and runs every task then due, in the order they come due. */
    void step(Duration step) {
        List<Due> due = new ArrayList<>();
        synchronized (this) {
            now = now.plus(step);
            waiting.removeIf(d -> d.at().compareTo(now) <= 0 && due.add(d));
        }
        due.sort((a, b) -> a.at().compareTo(b.at()));
        due.forEach(d -> d.task().run());
    }
}
