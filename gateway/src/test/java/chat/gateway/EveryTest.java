package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the fan-out looks again for added partitions: the period, given as readings of a stepped time. */
class EveryTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void nothingIsDueUntilMoreThanAPeriodPassed() {
        Every every = new Every(FanOut.PARTITIONS_CHECK, 7 * SECOND);
        assertFalse(every.due(7 * SECOND));
        assertFalse(every.due(12 * SECOND), "exactly a period is not more than one");
        assertTrue(every.due(12 * SECOND + 1));
    }

    @Test
    void theNextPeriodStartsWhenItWasFoundDueNotWhenItWasDue() {
        Every every = new Every(Duration.ofSeconds(5), 0);
        assertTrue(every.due(9 * SECOND), "a thread busy for a while finds it due late");
        assertFalse(every.due(14 * SECOND));
        assertTrue(every.due(14 * SECOND + 1));
    }

    @Test
    void askedOftenItIsDueOncePerPeriod() {
        Every every = new Every(Duration.ofSeconds(5), 0);
        List<Long> dueAt = new ArrayList<>();
        for (long ms = 0; ms <= 20_000; ms += 100) {
            if (every.due(ms * 1_000_000)) {
                dueAt.add(ms);
            }
        }
        assertEquals(List.of(5_100L, 10_200L, 15_300L), dueAt, "a poll of 100 ms between two looks");
    }

    @Test
    void theMonotonicReadingMayBeNegative() {
        Every every = new Every(Duration.ofSeconds(5), Long.MAX_VALUE - SECOND);
        assertFalse(every.due(Long.MAX_VALUE));
        assertTrue(every.due(Long.MAX_VALUE + 5 * SECOND), "the reading wrapped round");
    }
}
