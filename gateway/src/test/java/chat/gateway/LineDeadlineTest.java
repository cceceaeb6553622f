package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.protocol.LineReader;
import java.io.ByteArrayInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hello deadline and the idle deadline of a connection, and the close reason of each, on stepped time. */
class LineDeadlineTest {
    private static final Duration FIRST_LINE = Duration.ofSeconds(10);
    private static final Duration IDLE = Duration.ofSeconds(300);
    private static final Duration NANO = Duration.ofNanos(1);

    private final SteppedTime time = new SteppedTime();
    private final LineDeadline deadline = new LineDeadline(FIRST_LINE, IDLE, time.nanoTime());

    /** What the reader thread reads: {@code text} is all the client ever sends. */
    private LineReader reader(String text) {
        return new LineReader(new DeadlineInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            millis -> { }, time::nanoTime, deadline.due()));
    }

    @Test
    void theHelloIsDueAFirstLineTimeoutAfterConnecting() {
        assertEquals(time.nanoTime() + FIRST_LINE.toNanos(), deadline.due());
    }

    @Test
    void aClientThatSaysNothingByTheHelloDeadlineIsTooSlow() {
        LineReader late = reader("{\"type\":\"hello\"}\n");
        time.step(FIRST_LINE);
        assertThrows(SocketTimeoutException.class, late::readLine);
        assertEquals(CloseReason.TOO_SLOW, deadline.missed());
    }

    @Test
    void aHelloJustInsideTheDeadlineIsRead() throws Exception {
        LineReader prompt = reader("{\"type\":\"hello\"}\n");
        time.step(FIRST_LINE.minus(NANO));
        assertEquals("{\"type\":\"hello\"}", prompt.readLine());
    }

    @Test
    void afterALineTheNextIsDueAnIdleTimeoutLaterAndMissingItIsIdle() {
        time.step(Duration.ofSeconds(3));
        long next = deadline.lineRead(time.nanoTime());
        assertEquals(time.nanoTime() + IDLE.toNanos(), next);
        assertEquals(CloseReason.IDLE, deadline.missed());
    }

    @Test
    void eachLineMovesTheDeadlineFromWhenItCameNotFromTheOneBefore() {
        time.step(Duration.ofSeconds(3));
        deadline.lineRead(time.nanoTime());
        time.step(Duration.ofSeconds(200));
        assertEquals(time.nanoTime() + IDLE.toNanos(), deadline.lineRead(time.nanoTime()));
    }
}
