package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The direct messages an account is sent when welcomed: those of the window that were not sent to the same
 * connection already, each once, and never another account's.
 */
class RecentDirectMessagesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aWelcomedAccountGetsWhatWasNotSentToItsConnectionOnce() {
        RecentDirectMessages<String> recent = new RecentDirectMessages<>(clock, 100);
        recent.keep("alice", NOW.minusSeconds(5), line("to alice, sent nowhere"), null);
        recent.keep("alice", NOW.minusSeconds(4), line("to alice, sent to her old connection"), "old");
        recent.keep("bob", NOW.minusSeconds(3), line("to bob"), null);
        recent.keep("alice", NOW.minusSeconds(2), line("to alice, sent to her new connection"), "new");

        assertEquals(List.of("to alice, sent nowhere", "to alice, sent to her old connection"),
            texts(recent.missedBy("alice", "new")));
        assertEquals(List.of(), texts(recent.missedBy("alice", "new")), "each is sent to a connection once");
        assertEquals(List.of("to bob"), texts(recent.missedBy("bob", "bob's")));
    }

    @Test
    void messagesOlderThanTheWindowAreNeitherKeptNorSent() {
        RecentDirectMessages<String> recent = new RecentDirectMessages<>(clock, 100);
        recent.keep("alice", NOW.minus(RecentDirectMessages.WINDOW).minusSeconds(1), line("too old"), null);
        recent.keep("alice", NOW.minusSeconds(1), line("recent"), null);
        assertEquals(List.of("recent"), texts(recent.missedBy("alice", "c")));
        assertEquals(1, recent.size());
    }

    @Test
    void pastItsCapacityTheOldestAreForgotten() {
        RecentDirectMessages<String> recent = new RecentDirectMessages<>(clock, 2);
        recent.keep("alice", NOW.minusSeconds(3), line("first"), null);
        recent.keep("bob", NOW.minusSeconds(2), line("second"), null);
        recent.keep("alice", NOW.minusSeconds(1), line("third"), null);
        assertEquals(List.of("third"), texts(recent.missedBy("alice", "c")));
        assertEquals(List.of("second"), texts(recent.missedBy("bob", "c")));
    }

    @Test
    void timePassingForgetsWhatWasKept() {
        MovingClock moving = new MovingClock();
        RecentDirectMessages<String> recent = new RecentDirectMessages<>(moving, 100);
        recent.keep("alice", NOW, line("kept"), null);
        moving.now = NOW.plus(RecentDirectMessages.WINDOW).plus(Duration.ofMillis(1));
        assertEquals(List.of(), texts(recent.missedBy("alice", "c")));
        assertEquals(0, recent.size());
    }

    private static byte[] line(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> lines) {
        return lines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList();
    }

    private static final class MovingClock extends Clock {
        volatile Instant now = NOW;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
