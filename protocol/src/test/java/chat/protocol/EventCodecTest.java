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

    @Test
    void aRecordAsAGatewayWritesItIsItsEvent() {
        List<ChatEvent> events = List.of(
            new ChatEvent.MessagePosted("lobby", "alice", "hi 😀\n", "m1", "2026-01-01T00:00:00.001Z", "gw1"),
            new ChatEvent.MemberJoined("lobby", "bob", "c1", "gw2"), new ChatEvent.MemberLeft("lobby", "bob", null, "gw2"),
            new ChatEvent.DirectMessage("Alice", "bob", "psst", "d1", "2026-01-01T00:00:00.001Z", "gw1", null, "acct", true),
            new ChatEvent.WaitingDelivered("acct", "@alice:bob", 41, "gw2"));
        for (ChatEvent event : events) {
            assertEquals(event, EventCodec.decodeRecord(EventCodec.key(event), EventCodec.encode(event)));
        }
    }

    @Test
    void anyOtherRecordIsMalformedAndSaysWhy() {
        ChatEvent.MessagePosted message = new ChatEvent.MessagePosted("lobby", "alice", "hi", "m1", "2026-01-01T00:00:00.001Z", "gw1");
        byte[] lobby = EventCodec.key(message);
        assertMalformed("no value", lobby, null);
        assertMalformed("no value", lobby, new byte[0]);
        assertMalformed("not JSON", lobby, new byte[] {(byte) 0xff, 'x'});
        assertMalformed("not a JSON object", lobby, utf8("[1,2]"));
        assertMalformed("field room", lobby, utf8("{\"v\":1,\"type\":\"message\",\"room\":5}"));
        assertMalformed("does not know: 'poke'", lobby, utf8("{\"v\":1,\"type\":\"poke\",\"room\":\"lobby\"}"));
        assertMalformed("no key", null, EventCodec.encode(message));
        assertMalformed("keyed 'hall', not by its room 'lobby'", utf8("hall"), EventCodec.encode(message));
        assertMalformed("not a room name", utf8("Lobby"),
            EventCodec.encode(new ChatEvent.MessagePosted("Lobby", "alice", "hi", "m1", message.ts(), "gw1")));
        assertMalformed("not a nick", lobby,
            EventCodec.encode(new ChatEvent.MessagePosted("lobby", "a".repeat(21), "hi", "m1", message.ts(), "gw1")));
        assertMalformed("control character", lobby,
            EventCodec.encode(new ChatEvent.MessagePosted("lobby", "alice", "\u001b[2J", "m1", message.ts(), "gw1")));
        assertMalformed("id holds the control character U+0000", lobby,
            EventCodec.encode(new ChatEvent.MessagePosted("lobby", "alice", "hi", "m\u0000", message.ts(), "gw1")));
        assertMalformed("not an ISO-8601 UTC time", lobby,
            EventCodec.encode(new ChatEvent.MessagePosted("lobby", "alice", "hi", "m1", "+1000000000-12-31T23:59:59Z", "gw1")));
    }

    private static void assertMalformed(String why, byte[] key, byte[] value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventCodec.decodeRecord(key, value));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
