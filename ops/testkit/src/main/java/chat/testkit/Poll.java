package chat.testkit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Waits for a condition that no event announces, such as the status a service's {@code /health} answers: a probe is
 * asked on a scheduler, every {@code interval}, until its answer meets the condition or the timeout passes. The
 * answer ends the wait; the interval only spaces the probes, as a health checker's does. Thread-safe.
 */
public final class Poll {
    private Poll() {}

    /**
     * The probe's first answer that meets {@code done}. Fails the test, with the last answer, when none did within
     * {@code timeout}; a probe that throws ends the wait with its exception.
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Callable<T> probe,
                              Predicate<? super T> done) {
        CompletableFuture<T> met = new CompletableFuture<>();
        AtomicReference<T> last = new AtomicReference<>();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().name("poll").daemon(true).unstarted(task));
        try {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    T answer = probe.call();
                    last.set(answer);
                    if (done.test(answer)) {
                        met.complete(answer);
                    }
                } catch (Throwable e) {
                    met.completeExceptionally(e);
                }
            }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
            return met.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": not within " + timeout + "; the last answer was " + describe(last.get()));
        } catch (ExecutionException e) {
            throw propagate(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted");
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static String describe(Object answer) {
        return answer instanceof HttpResponse<?> response
            ? response.statusCode() + " " + response.body() : String.valueOf(answer);
    }

    /** Throws {@code cause} itself when it is unchecked (a failed assertion stays one); wraps it otherwise. */
    static RuntimeException propagate(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
}
