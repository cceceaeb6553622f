package chat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pauses between the tries of something that keeps failing. */
class BackoffTest {
    private static List<Long> millis(Backoff backoff, int tries) {
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            pauses.add(backoff.next().toMillis());
        }
        return pauses;
    }

    @Test
    void eachPauseIsTwiceTheLastUpToTheLongest() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        assertEquals(List.of(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L), millis(backoff, 8));
    }

    @Test
    void aSuccessStartsTheNextFailuresPausesFromTheFirstAgain() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        millis(backoff, 5);
        backoff.reset();
        assertEquals(List.of(100L, 200L), millis(backoff, 2));
    }

    @Test
    void aFirstPauseLongerThanTheLongestIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(6), Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(5)));
    }
}
