package chat.testkit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

/**
 * An action run at a fixed rate on a thread of its own: the shape of a test's load (a message every 20 ms, a ping
 * every 250 ms), never a wait for something to happen. The action gets the number of its run, from 0, and returns
 * whether to go on. Thread-safe; the action runs on the one scheduler thread, run after run.
 */
public final class Paced implements AutoCloseable {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        task -> Thread.ofPlatform().name("paced").daemon(true).unstarted(task));
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    /** Owned by the scheduler thread. */
    private int runs;

    private Paced(Duration period, IntPredicate action) {
        scheduler.scheduleAtFixedRate(() -> {
            if (finished.isDone()) {
                return;
            }
            try {
                boolean goOn = action.test(runs++);
                if (!goOn) {
                    finished.complete(runs);
                    scheduler.shutdown();
                }
            } catch (Throwable e) {
                finished.completeExceptionally(e);
                scheduler.shutdown();
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts running {@code action} every {@code period}, the first time at once, until it returns false. */
    public static Paced every(Duration period, IntPredicate action) {
        return new Paced(period, action);
    }

    /** Waits until the action has said to stop; how many times it ran. Rethrows what the action threw. */
    public int await(Duration timeout) {
        try {
            return finished.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the paced action did not finish within " + timeout);
        } catch (ExecutionException e) {
            throw Poll.propagate(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Stops the runs, and waits for one in progress to end, so that what the action did is seen by the caller. */
    @Override
    public void close() {
        // Not shutdownNow: a run is not interrupted halfway through, say, a write to a socket.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the paced action did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finished.complete(runs);
    }
}
