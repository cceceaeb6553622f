package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboundTest {

    @Test
    void aFullQueueRefusesInsteadOfWaiting() {
        Outbound outbound = new Outbound(2);
        assertTrue(outbound.offer("a"));
        assertTrue(outbound.offer("b"));
        assertFalse(outbound.offer("c"));
    }

    @Test
    void writesEveryQueuedLineThenStopsAtTheEnd() throws Exception {
        Outbound outbound = new Outbound(8);
        outbound.offer("{\"n\":1}");
        outbound.offer("{\"n\":2}");
        outbound.finish("bye");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outbound.drainTo(out, new GatewayMetrics());
        assertEquals("{\"n\":1}\n{\"n\":2}\nbye\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCutOffDropsTheBacklogAndSendsOnlyTheLastWord() throws Exception {
        Outbound outbound = new Outbound(3);
        outbound.offer("old-1");
        outbound.offer("old-2");
        outbound.offer("old-3");
        outbound.replaceWithLast("last");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GatewayMetrics metrics = new GatewayMetrics();
        outbound.drainTo(out, metrics);
        assertEquals("last\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(1, metrics.framesOut());
    }

    @Test
    void theLastWordOfAFullQueueStillArrives() throws Exception {
        Outbound outbound = new Outbound(2);
        outbound.offer("backlog-1");
        outbound.offer("backlog-2");
        outbound.finish("bye");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outbound.drainTo(out, new GatewayMetrics());
        assertEquals("bye\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSenderThatMayWaitWaitsForTheWriterToMakeRoom() throws Exception {
        Outbound outbound = new Outbound(4);
        outbound.offer("a");
        outbound.offer("b");
        outbound.offer("c");
        assertFalse(outbound.awaitRoom(2, Duration.ofMillis(50)), "one place is free, two are wanted");
        assertTrue(outbound.awaitRoom(1, Duration.ZERO));

        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                outbound.drainTo(new ByteArrayOutputStream(), new GatewayMetrics());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(outbound.awaitRoom(4, Duration.ofSeconds(20)), "the writer emptied the queue");
        outbound.finish(null);
        writer.join();
    }
}
