package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void eventsSurviveARoundTripAndAreKeyedByRoom() {
        List<ChatEvent> events = List.of(
            new ChatEvent.MessagePosted("lobby", "alice", "hi 😀\n", "m1", "2026-01-01T00:00:00.001Z", "gw1"),
            new ChatEvent.MemberJoined("lobby", "bob", "c1", "gw2"),
            new ChatEvent.MemberLeft("lobby", "bob", "c1", "gw2"),
            new ChatEvent.MemberJoined("lobby", "bob", null, "gw2"));
        for (ChatEvent event : events) {
            assertEquals(Optional.of(event), EventCodec.decode(EventCodec.encode(event)));
            assertArrayEquals("lobby".getBytes(StandardCharsets.UTF_8), EventCodec.key(event));
        }
    }

    @Test
    void directMessagesAreKeyedByTheirConversationWhicheverWayTheyGo() {
        ChatEvent.DirectMessage there = new ChatEvent.DirectMessage("Alice", "bob", "psst", "d1", "2026-01-01T00:00:00.001Z", "gw1");
        ChatEvent.DirectMessage back = new ChatEvent.DirectMessage("bob", "alice", "yes?", "d2", "2026-01-01T00:00:00.002Z", "gw2");
        assertEquals(Optional.of(there), EventCodec.decode(EventCodec.encode(there)));
        assertArrayEquals("@alice:bob".getBytes(StandardCharsets.UTF_8), EventCodec.key(there));
        assertArrayEquals(EventCodec.key(there), EventCodec.key(back));
    }

    @Test
    void directMessagesNameTheAccountsOfBothSidesAndWhetherTheyWait() {
        ChatEvent.DirectMessage waiting = new ChatEvent.DirectMessage("bob", "Alice", "call me", "d3",
            "2026-01-01T00:00:00.003Z", "gw1", null, "acct-alice", true);
        assertEquals(Optional.of(waiting), EventCodec.decode(EventCodec.encode(waiting)));
        ChatEvent.WaitingDelivered delivered = new ChatEvent.WaitingDelivered("acct-alice", waiting.conversation(), 41, "gw2");
        assertEquals(Optional.of(delivered), EventCodec.decode(EventCodec.encode(delivered)));
        assertArrayEquals(EventCodec.key(waiting), EventCodec.key(delivered), "a delivery mark follows its messages");

        byte[] old = "{\"v\":1,\"type\":\"dm\",\"from\":\"a\",\"to\":\"b\",\"text\":\"t\",\"id\":\"1\",\"ts\":\"x\",\"gateway\":\"g\"}"
            .getBytes(StandardCharsets.UTF_8);
        ChatEvent.DirectMessage guests = (ChatEvent.DirectMessage) EventCodec.decode(old).orElseThrow();
        assertEquals(null, guests.fromAccount());
        assertEquals(null, guests.toAccount());
        assertEquals(false, guests.waiting());
    }

    @Test
    void aJoinWrittenBeforeSessionsWereNamedHasNone() {
        byte[] old = "{\"v\":1,\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"bob\",\"gateway\":\"gw1\"}"
            .getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.of(new ChatEvent.MemberJoined("lobby", "bob", null, "gw1")), EventCodec.decode(old));
    }

    @Test
    void skipsUnknownTypesAndRefusesGarbage() {
        assertTrue(EventCodec.decode("{\"v\":2,\"type\":\"reaction\",\"room\":\"x\"}".getBytes(StandardCharsets.UTF_8)).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode("nope".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
            () -> EventCodec.decode("{\"type\":\"message\",\"room\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
