package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendPacerTest {
    private final SendPacer pacer = new SendPacer();
    private final Instant start = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void staysInsideTheGatewaysLimit() {
        assertTrue(SendPacer.BURST < Limits.DEFAULT_FRAME_BURST);
        assertTrue(SendPacer.PER_SECOND < Limits.DEFAULT_FRAMES_PER_SECOND);
    }

    @Test
    void aBurstGoesAtOnceAndTheRestAtTheRate() {
        pacer.reset(start);
        for (int i = 0; i < 100; i++) {
            pacer.offer(ping(i));
        }
        assertEquals(SendPacer.BURST, pacer.due(start).size(), "a new connection's bucket is full");
        assertEquals(0, pacer.due(start).size(), "and then empty");
        assertEquals(SendPacer.PER_SECOND, pacer.due(start.plusSeconds(1)).size());
        assertEquals(SendPacer.PER_SECOND / 2, pacer.due(start.plusMillis(1_500)).size());
    }

    @Test
    void anIdleConnectionSavesNoMoreThanABurst() {
        pacer.reset(start);
        for (int i = 0; i < 100; i++) {
            pacer.offer(say(i));
        }
        assertEquals(SendPacer.BURST, pacer.due(start.plus(Duration.ofMinutes(10))).size());
    }

    @Test
    void framesGoInOrderAndAPingGoesAheadOfThoseWaiting() {
        pacer.reset(start);
        for (int i = 0; i < SendPacer.BURST + 2; i++) {
            pacer.offer(say(i));
        }
        pacer.due(start);
        pacer.offer(ping(7));
        List<ClientFrame> next = pacer.due(start.plusSeconds(1));
        assertEquals(List.of(ping(7), say(SendPacer.BURST), say(SendPacer.BURST + 1)), next);
    }

    @Test
    void aQuitTakesThePlaceOfEverythingWaiting() {
        pacer.reset(start);
        for (int i = 0; i < SendPacer.BURST + 5; i++) {
            pacer.offer(say(i));
        }
        pacer.due(start);
        pacer.offer(new ClientFrame.Quit(null));
        assertEquals(List.of(new ClientFrame.Quit(null)), pacer.due(start.plusSeconds(1)));
        assertFalse(pacer.hasWaiting());
    }

    @Test
    void aNewConnectionOwesNothingOfTheLastAndStartsWithAFullBucket() {
        pacer.reset(start);
        for (int i = 0; i < SendPacer.BURST + 5; i++) {
            pacer.offer(say(i));
        }
        pacer.due(start);
        pacer.reset(start);
        assertFalse(pacer.hasWaiting());
        for (int i = 0; i < SendPacer.BURST; i++) {
            pacer.offer(say(i));
        }
        assertEquals(SendPacer.BURST, pacer.due(start).size());
    }

    @Test
    void aRunawayIsRefusedBeyondTheBound() {
        pacer.reset(start);
        for (int i = 0; i < SendPacer.MAX_WAITING; i++) {
            assertTrue(pacer.offer(say(i)));
        }
        assertFalse(pacer.offer(say(-1)));
    }

    private static ClientFrame ping(int n) {
        return new ClientFrame.Ping("p" + n);
    }

    private static ClientFrame say(int n) {
        return new ClientFrame.Say("lobby", "line " + n, "id-" + n, "r" + n);
    }
}
