package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stepped time the gateway's tests run on: everything it tells moves with the steps, and nothing else. */
class SteppedTimeTest {
    private final SteppedTime time = new SteppedTime();

    @Test
    void theClockAndTheMonotonicReadingMoveTogetherAndOnlyWhenStepped() {
        long before = time.nanoTime();
        assertEquals(SteppedTime.START, time.clock().instant());
        time.step(Duration.ofMillis(1_500));
        assertEquals(1_500_000_000L, time.nanoTime() - before);
        assertEquals(SteppedTime.START.plusMillis(1_500), time.clock().instant());
    }

    @Test
    void tasksRunOnTheSteppingThreadInTheOrderTheyComeDue() {
        List<String> ran = new ArrayList<>();
        time.after(Duration.ofSeconds(3), () -> ran.add("three"));
        time.after(Duration.ofSeconds(1), () -> ran.add("one"));
        time.after(Duration.ofSeconds(5), () -> ran.add("five"));
        time.step(Duration.ofSeconds(4));
        assertEquals(List.of("one", "three"), ran);
        assertEquals(1, time.waiting());
    }

    @Test
    void aSleepingThreadWakesOnlyOnceTheStepsCoverItsSleep() throws Exception {
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                time.sleep(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        while (time.sleeping() == 0) {
            Thread.onSpinWait();
        }
        time.step(Duration.ofSeconds(1));
        assertTrue(sleeper.isAlive(), "half its sleep has passed");
        time.step(Duration.ofSeconds(1));
        sleeper.join();
    }
}
