package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomMembersTest {
    private final RoomMembers members = new RoomMembers();

    @Test
    void joinsAndLeavesChangeTheRoomOnceEach() {
        assertTrue(members.join("lobby", "bob", "s1"));
        assertTrue(members.join("lobby", "Alice", "s2"));
        assertFalse(members.join("lobby", "BOB", "s1"), "a nick listed already is no news");
        assertEquals(List.of("Alice", "bob"), members.members("lobby"));
        assertEquals(Map.of("lobby", 2), members.rooms());

        assertTrue(members.leave("lobby", "alice", "s2"));
        assertFalse(members.leave("lobby", "alice", "s2"), "a second leave is no news");
        assertEquals(List.of("bob"), members.members("lobby"));
        assertTrue(members.leave("lobby", "bob", "s1"));
        assertEquals(Map.of(), members.rooms());
    }

    @Test
    void anEndedSessionLeavesEveryRoomAndALaterSessionOfItsNickStays() {
        members.join("lobby", "bob", "s1");
        members.join("dev", "bob", "s1");
        members.join("lobby", "carol", "s2");
        assertEquals(Set.of(new RoomMembers.Membership("lobby", "bob"), new RoomMembers.Membership("dev", "bob")),
            Set.copyOf(members.end("s1")));
        assertEquals(List.of("carol"), members.members("lobby"));
        assertEquals(Map.of("lobby", 1), members.rooms());

        assertTrue(members.join("dev", "bob", "s3"), "bob came back in a new session");
        assertEquals(List.of(), members.end("s1"), "news of the old session again changes nothing");
        assertFalse(members.leave("dev", "bob", "s1"), "a late leave of the old session changes nothing");
        assertEquals(List.of("bob"), members.members("dev"));
    }

    @Test
    void aJoinOfASessionThatEndedIsReadTooLateToCount() {
        members.end("s1");
        assertFalse(members.join("lobby", "bob", "s1"));
        assertEquals(List.of(), members.members("lobby"));
    }

    @Test
    void aNewSessionOfAListedNickTakesTheMembershipOver() {
        members.join("lobby", "bob", "s1");
        assertFalse(members.join("lobby", "bob", "s2"), "bob was listed: no news for the room");
        assertEquals(List.of(), members.end("s1"));
        assertEquals(List.of("bob"), members.members("lobby"));
        assertEquals(List.of(new RoomMembers.Membership("lobby", "bob")), members.end("s2"));
    }

    @Test
    void eventsWrittenWithoutASessionStillCount() {
        members.join("lobby", "bob", null);
        assertEquals(List.of("bob"), members.members("lobby"));
        assertTrue(members.leave("lobby", "bob", null));
        members.join("lobby", "bob", "s1");
        assertTrue(members.leave("lobby", "bob", null), "a leave without a session leaves whatever session is listed");
    }

    @Test
    void aStartingGatewayListsTheRoomsThePresenceTopicRecords() {
        members.seed(List.of(
            new PresenceState.Session("s1", "bob", "c1", "h1", "gw1", "i1", Set.of("lobby", "dev"), null),
            new PresenceState.Session("s2", "carol", "c2", "h2", "gw2", "i2", Set.of("lobby"), null)));
        assertEquals(List.of("bob", "carol"), members.members("lobby"));
        assertEquals(Map.of("dev", 1, "lobby", 2), members.rooms());
        members.end("s1");
        assertEquals(Map.of("lobby", 1), members.rooms());
    }

    @Test
    void aChangeRecordedLateForAJoinBelowTheStartCountsUnlessANewerOneWasRead() {
        assertTrue(members.recordedBeforeStart("lobby", "bob", "s1", true));
        assertEquals(List.of("bob"), members.members("lobby"));

        members.join("dev", "carol", "s2");
        assertFalse(members.recordedBeforeStart("dev", "carol", "s2", false), "the join read since the start is newer");
        assertEquals(List.of("carol"), members.members("dev"));

        members.leave("dev", "dan", "s3");
        assertFalse(members.recordedBeforeStart("dev", "dan", "s3", true), "the leave read since the start is newer");
        assertEquals(List.of("carol"), members.members("dev"));
    }

    @Test
    void onceTheStartWindowClosesLateRecordsCountNoMore() {
        members.closeStartWindow();
        assertFalse(members.recordedBeforeStart("lobby", "bob", "s1", true));
        assertEquals(List.of(), members.members("lobby"));
    }
}
