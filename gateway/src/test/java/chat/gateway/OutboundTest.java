package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** The socket as the writers see it: every write, in order. */
    private final Writes out = new Writes();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AtomicInteger writersStarted = new AtomicInteger();
    /** Released each time a writer ends because it wrote all there was. */
    private final Semaphore writersIdled = new Semaphore(0);
    private final CountDownLatch ended = new CountDownLatch(1);

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();
        final CountDownLatch firstWrite = new CountDownLatch(1);

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            firstWrite.countDown();
        }

        synchronized List<String> writes() {
            return List.copyOf(writes);
        }

        synchronized String all() {
            return String.join("", writes);
        }
    }

    /** An outbound whose writers are virtual threads writing to {@link #out}, as a connection's are to its socket. */
    private Outbound outbound(int capacity) {
        Outbound[] outbound = new Outbound[1];
        outbound[0] = new Outbound(capacity, () -> {
            writersStarted.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    if (outbound[0].drainTo(out, metrics)) {
                        ended.countDown();
                    } else {
                        writersIdled.release();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        });
        return outbound[0];
    }

    private void awaitEnd() throws InterruptedException {
        assertTrue(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the writer reached the end");
    }

    @Test
    void aFullOutboundRefusesInsteadOfWaiting() {
        Outbound outbound = outbound(2);
        assertTrue(outbound.offer(line("a"), true));
        assertTrue(outbound.offer(line("b"), true));
        assertFalse(outbound.offer(line("c"), true));
    }

    @Test
    void writesEveryQueuedLineThenStopsAtTheEnd() throws Exception {
        Outbound outbound = outbound(8);
        outbound.release();
        outbound.offer(line("{\"n\":1}"), true);
        outbound.offer(line("{\"n\":2}"), true);
        outbound.finish(line("bye"));
        awaitEnd();
        assertEquals("{\"n\":1}\n{\"n\":2}\nbye\n", out.all());
    }

    @Test
    void noWriterStartsBeforeTheTransportIsReleased() throws Exception {
        Outbound outbound = outbound(8);
        outbound.offer(line("early"), true);
        outbound.finish(null);
        assertEquals(0, writersStarted.get(), "a TLS handshake may still be under way");

        outbound.release();
        awaitEnd();
        assertEquals("early\n", out.all());
        assertEquals(1, writersStarted.get());
    }

    @Test
    void linesThatGatheredGoOutInOneWrite() throws Exception {
        Outbound outbound = outbound(8);
        outbound.offer(line("one"), false);
        outbound.offer(line("two"), false);
        outbound.offer(line("three"), false);
        outbound.finish(null);
        outbound.release();
        awaitEnd();
        assertEquals(List.of("one\ntwo\nthree\n"), out.writes());
    }

    @Test
    void aBatchLargerThanOneWriteIsCutAtLineBoundaries() throws Exception {
        Outbound outbound = outbound(8);
        String half = "x".repeat(Outbound.MAX_WRITE_BYTES / 2);
        outbound.offer(line(half), false);
        outbound.offer(line(half), false);
        outbound.offer(line("tail"), false);
        outbound.finish(null);
        outbound.release();
        awaitEnd();
        assertEquals(List.of(half + "\n", half + "\ntail\n"), out.writes());
    }

    @Test
    void aLineQueuedWithoutWakingIsWrittenAtTheWakeUp() throws Exception {
        Outbound outbound = outbound(8);
        outbound.release();
        outbound.offer(line("first"), true);
        assertTrue(out.firstWrite.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "a line offered with a wake-up is written");

        outbound.offer(line("quiet-1"), false);
        outbound.offer(line("quiet-2"), false);
        outbound.wake();
        outbound.finish(null);
        awaitEnd();
        assertEquals("first\nquiet-1\nquiet-2\n", out.all());
    }

    @Test
    void aWriterThatWroteAllEndsAndTheNextLineStartsAnother() throws Exception {
        Outbound outbound = outbound(8);
        outbound.release();
        outbound.offer(line("one"), true);
        assertTrue(writersIdled.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the first writer ends when idle");

        outbound.offer(line("two"), true);
        assertTrue(writersIdled.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        outbound.finish(line("bye"));
        awaitEnd();
        assertEquals("one\ntwo\nbye\n", out.all());
        assertEquals(3, writersStarted.get(), "an idle connection holds no writer: each line started one");
    }

    @Test
    void aCutOffDropsTheBacklogAndSendsOnlyTheLastWord() throws Exception {
        Outbound outbound = outbound(3);
        outbound.offer(line("old-1"), true);
        outbound.offer(line("old-2"), true);
        outbound.offer(line("old-3"), true);
        outbound.replaceWithLast(line("last"));
        outbound.release();
        awaitEnd();
        assertEquals("last\n", out.all());
        assertEquals(1, metrics.framesOut());
    }

    @Test
    void theLastWordOfAFullOutboundStillArrives() throws Exception {
        Outbound outbound = outbound(2);
        outbound.offer(line("backlog-1"), true);
        outbound.offer(line("backlog-2"), true);
        outbound.finish(line("bye"));
        outbound.release();
        awaitEnd();
        assertEquals("bye\n", out.all());
    }

    @Test
    void nothingOfferedAfterTheEndIsWritten() throws Exception {
        Outbound outbound = outbound(4);
        outbound.offer(line("before"), true);
        outbound.finish(line("bye"));
        assertTrue(outbound.offer(line("after"), true), "the sender is not told to cut off a client that is closing");
        outbound.release();
        awaitEnd();
        assertEquals("before\nbye\n", out.all());
    }

    @Test
    void aSenderThatMayWaitWaitsForTheWriterToMakeRoom() throws Exception {
        Outbound outbound = outbound(4);
        outbound.offer(line("a"), true);
        outbound.offer(line("b"), true);
        outbound.offer(line("c"), true);
        assertFalse(outbound.awaitRoom(2, Duration.ofMillis(50)), "one place is free, two are wanted");
        assertTrue(outbound.awaitRoom(1, Duration.ZERO));

        outbound.release();
        assertTrue(outbound.awaitRoom(4, PATIENCE), "the writer emptied the outbound");
        outbound.finish(null);
        awaitEnd();
    }
}
