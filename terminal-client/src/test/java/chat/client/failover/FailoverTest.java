package chat.client.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover.Gateway;
import chat.client.failover.Failover.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FailoverTest {
    private static final Gateway GW1 = new Gateway("127.0.0.1", 7001);
    private static final Gateway GW2 = new Gateway("127.0.0.1", 7002);
    private static final Gateway GW3 = new Gateway("127.0.0.1", 7003);
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Failover failover = new Failover(List.of(GW1, GW2, GW3), new SplittableRandom(42),
        Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void aLostGatewayIsLeftForTheNextAfterAShortJitteredWait() {
        assertEquals(new State.Connecting(GW1, 0), failover.state());
        assertEquals(new State.Connected(GW1), failover.connected());

        State.Waiting waiting = assertInstanceOf(State.Waiting.class, failover.lost(T0, "connection closed"));
        assertEquals(GW2, waiting.next());
        assertFalse(waiting.offline());
        assertTrue(!waiting.until().isBefore(T0) && !waiting.until().isAfter(T0.plusMillis(500)), "waits " + waiting.until());
        assertInstanceOf(State.Waiting.class, failover.tick(waiting.until().minusNanos(1)));
        assertEquals(new State.Connecting(GW2, 1), failover.tick(waiting.until()));
        assertEquals(new State.Connected(GW2), failover.connected());
    }

    @Test
    void failuresInARowWaitLongerUpToTheBoundAndSayOfflineOnceEveryGatewayFailed() {
        Instant now = T0;
        List<Gateway> tried = new ArrayList<>();
        Duration previousCeiling = Duration.ZERO;
        for (int failure = 1; failure <= 12; failure++) {
            State.Waiting w = assertInstanceOf(State.Waiting.class, failover.lost(now, "refused"));
            Duration wait = Duration.between(now, w.until());
            assertTrue(wait.compareTo(Duration.ofSeconds(30)) <= 0, "never past the bound: " + wait);
            if (failure >= 3) {
                assertTrue(wait.compareTo(previousCeiling.dividedBy(2)) >= 0, "grows: " + wait + " after " + previousCeiling);
            }
            previousCeiling = Duration.ofMillis(Math.min(30_000, 500L << Math.min(failure - 1, 30)));
            assertEquals(failure >= 4, w.offline(), "failure " + failure);
            now = w.until();
            State.Connecting c = assertInstanceOf(State.Connecting.class, failover.tick(now));
            tried.add(c.target());
        }
        assertEquals(List.of(GW2, GW3, GW1, GW2), tried.subList(0, 4), "round the list");
        failover.connected();
        State.Waiting fresh = assertInstanceOf(State.Waiting.class, failover.lost(now, "closed"));
        assertFalse(fresh.offline());
        assertTrue(Duration.between(now, fresh.until()).compareTo(Duration.ofMillis(500)) <= 0, "a success resets the waits");
    }

    @Test
    void jitterSpreadsClientsOfOneGatewayOverTheWait() {
        Set<Instant> times = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            Failover f = new Failover(List.of(GW1, GW2), new SplittableRandom(seed), Duration.ofMillis(500), Duration.ofSeconds(30));
            f.connected();
            times.add(((State.Waiting) f.lost(T0, "closed")).until());
        }
        assertTrue(times.size() > 15, "20 clients, " + times.size() + " distinct times");
    }

    @Test
    void aPingWithoutPongForFiveSecondsMeansTheGatewayIsLost() {
        PingWatch watch = new PingWatch(Duration.ofSeconds(2), Duration.ofSeconds(5));
        watch.reset(T0);
        assertFalse(watch.pingDue(T0.plusMillis(1_999)));
        assertTrue(watch.pingDue(T0.plusSeconds(2)));
        watch.pinged(T0.plusSeconds(2));
        watch.ponged();
        watch.pinged(T0.plusSeconds(4));
        watch.pinged(T0.plusSeconds(6));
        assertFalse(watch.overdue(T0.plusMillis(8_999)), "counted from the first unanswered ping");
        assertTrue(watch.overdue(T0.plusSeconds(9)));
        watch.ponged();
        assertFalse(watch.overdue(T0.plusSeconds(20)));
    }
}
