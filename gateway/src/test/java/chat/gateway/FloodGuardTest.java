package chat.gateway;

import static chat.gateway.FloodGuard.Verdict.ACCEPT;
import static chat.gateway.FloodGuard.Verdict.CUT_OFF;
import static chat.gateway.FloodGuard.Verdict.REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FloodGuardTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstIsAcceptedThenTheRateHolds() {
        FloodGuard guard = new FloodGuard(20, 40, Duration.ofSeconds(10), 0);
        for (int i = 0; i < 40; i++) {
            assertEquals(ACCEPT, guard.admit(0), "frame " + i + " of the burst");
        }
        assertEquals(REJECT, guard.admit(0));
        assertEquals(ACCEPT, guard.admit(50 * MS), "one token back after 1/20 s");
        assertEquals(REJECT, guard.admit(50 * MS));
    }

    @Test
    void tokensRefillUpToTheBurstOnly() {
        FloodGuard guard = new FloodGuard(20, 40, Duration.ofSeconds(10), 0);
        for (int i = 0; i < 40; i++) {
            guard.admit(0);
        }
        long later = 60_000 * MS;
        for (int i = 0; i < 40; i++) {
            assertEquals(ACCEPT, guard.admit(later));
        }
        assertEquals(REJECT, guard.admit(later));
    }

    @Test
    void aClientJustOverItsRateForTheCutOffIsCutOff() {
        FloodGuard guard = new FloodGuard(20, 40, Duration.ofSeconds(10), 0);
        long firstRejection = -1;
        long t = 0;
        // 25 frames a second: once the burst is spent most get through, some do not, and it never stops.
        while (true) {
            FloodGuard.Verdict verdict = guard.admit(t);
            if (verdict == REJECT && firstRejection < 0) {
                firstRejection = t;
            }
            if (verdict == CUT_OFF) {
                break;
            }
            t += 40 * MS;
        }
        long flooding = t - firstRejection;
        assertTrue(flooding >= Duration.ofSeconds(10).toNanos(), "not before ten seconds of flooding: " + flooding);
        assertTrue(flooding < Duration.ofSeconds(11).toNanos(), "but at the first refusal after them: " + flooding);
    }

    @Test
    void aPauseOfMoreThanASecondEndsTheStreak() {
        FloodGuard guard = new FloodGuard(1, 1, Duration.ofSeconds(10), 0);
        assertEquals(ACCEPT, guard.admit(0));
        assertEquals(REJECT, guard.admit(0));
        assertEquals(REJECT, guard.admit(900 * MS));
        // The next frame comes more than a second after the last refusal: the streak that began at 0 is over.
        assertEquals(ACCEPT, guard.admit(2_000 * MS));
        long t = 2_000 * MS;
        FloodGuard.Verdict verdict;
        do {
            verdict = guard.admit(t);
            t += 500 * MS;
        } while (verdict != CUT_OFF);
        long cutAt = t - 500 * MS;
        assertTrue(cutAt >= 12_000 * MS, "ten seconds after the new streak began, not the old one: " + cutAt);
        assertTrue(cutAt <= 13_000 * MS, "and no later than the next refusal: " + cutAt);
    }
}
