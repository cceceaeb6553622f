package chat.gateway;

import static chat.gateway.RoomMembers.Effect.ANNOUNCED;
import static chat.gateway.RoomMembers.Effect.ANNOUNCED_AGAIN;
import static chat.gateway.RoomMembers.Effect.SILENT;
import static chat.gateway.RoomMembers.Effect.WENT_QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomMembersTest {
    private final RoomMembers members = new RoomMembers(200);

    @Test
    void joinsAndLeavesChangeTheRoomOnceEach() {
        assertTrue(members.join("lobby", "bob", "s1", 10).changed());
        assertTrue(members.join("lobby", "Alice", "s2", 20).changed());
        assertFalse(members.join("lobby", "BOB", "s1", 30).changed(), "a nick listed already is no news");
        assertEquals(List.of("Alice", "bob"), members.members("lobby"));
        assertEquals(Map.of("lobby", 2), members.rooms());

        assertTrue(members.leave("lobby", "alice", "s2").changed());
        assertFalse(members.leave("lobby", "alice", "s2").changed(), "a second leave is no news");
        assertEquals(List.of("bob"), members.members("lobby"));
        assertTrue(members.leave("lobby", "bob", "s1").changed());
        assertEquals(Map.of(), members.rooms());
    }

    @Test
    void anEndedSessionLeavesEveryRoomAndALaterSessionOfItsNickStays() {
        members.join("lobby", "bob", "s1", 40);
        members.join("dev", "bob", "s1", 50);
        members.join("lobby", "carol", "s2", 60);
        assertEquals(Set.of(new RoomMembers.Membership("lobby", "bob", ANNOUNCED), new RoomMembers.Membership("dev", "bob", ANNOUNCED)),
            Set.copyOf(members.end("s1")));
        assertEquals(List.of("carol"), members.members("lobby"));
        assertEquals(Map.of("lobby", 1), members.rooms());

        assertTrue(members.join("dev", "bob", "s3", 70).changed(), "bob came back in a new session");
        assertEquals(List.of(), members.end("s1"), "news of the old session again changes nothing");
        assertFalse(members.leave("dev", "bob", "s1").changed(), "a late leave of the old session changes nothing");
        assertEquals(List.of("bob"), members.members("dev"));
    }

    @Test
    void aJoinOfASessionThatEndedIsReadTooLateToCount() {
        members.end("s1");
        assertFalse(members.join("lobby", "bob", "s1", 80).changed());
        assertEquals(List.of(), members.members("lobby"));
    }

    @Test
    void aNewSessionOfAListedNickTakesTheMembershipOver() {
        members.join("lobby", "bob", "s1", 90);
        assertFalse(members.join("lobby", "bob", "s2", 100).changed(), "bob was listed: no news for the room");
        assertEquals(List.of(), members.end("s1"));
        assertEquals(List.of("bob"), members.members("lobby"));
        assertEquals(List.of(new RoomMembers.Membership("lobby", "bob", ANNOUNCED)), members.end("s2"));
    }

    @Test
    void eventsWrittenWithoutASessionStillCount() {
        members.join("lobby", "bob", null, 110);
        assertEquals(List.of("bob"), members.members("lobby"));
        assertTrue(members.leave("lobby", "bob", null).changed());
        members.join("lobby", "bob", "s1", 120);
        assertTrue(members.leave("lobby", "bob", null).changed(), "a leave without a session leaves whatever session is listed");
    }

    @Test
    void aStartingGatewayListsTheRoomsThePresenceTopicRecords() {
        members.seed(List.of(
            new PresenceState.Session("s1", "bob", "c1", "h1", "gw1", "i1", Set.of("lobby", "dev"), null),
            new PresenceState.Session("s2", "carol", "c2", "h2", "gw2", "i2", Set.of("lobby"), null)), room -> 100);
        assertEquals(List.of("bob", "carol"), members.members("lobby"));
        assertEquals(Map.of("dev", 1, "lobby", 2), members.rooms());
        members.end("s1");
        assertEquals(Map.of("lobby", 1), members.rooms());
    }

    @Test
    void aChangeRecordedLateForAJoinBelowTheStartCountsUnlessANewerOneWasRead() {
        assertTrue(members.recordedBeforeStart("lobby", "bob", "s1", true, 5).changed());
        assertEquals(List.of("bob"), members.members("lobby"));

        members.join("dev", "carol", "s2", 130);
        assertFalse(members.recordedBeforeStart("dev", "carol", "s2", false, 5).changed(), "the join read since the start is newer");
        assertEquals(List.of("carol"), members.members("dev"));

        members.leave("dev", "dan", "s3");
        assertFalse(members.recordedBeforeStart("dev", "dan", "s3", true, 5).changed(), "the leave read since the start is newer");
        assertEquals(List.of("carol"), members.members("dev"));
    }

    @Test
    void onceTheStartWindowClosesLateRecordsCountNoMore() {
        members.closeStartWindow();
        assertFalse(members.recordedBeforeStart("lobby", "bob", "s1", true, 5).changed());
        assertEquals(List.of(), members.members("lobby"));
    }

    @Test
    void anEndedSessionAmongOthersIsTheOneRemovedAndReported() {
        List.of("kim", "lou", "max", "ned").forEach(nick -> members.join("failover", nick, nick + "-session", 1));
        assertEquals(List.of(new RoomMembers.Membership("failover", "lou", ANNOUNCED)), members.end("lou-session"));
        assertEquals(List.of("kim", "max", "ned"), members.members("failover"));
    }

    @Test
    void aRoomPastTheLimitGoesQuietAndIsAnnouncedAgainAtHalfOfIt() {
        RoomMembers small = new RoomMembers(4);
        for (int i = 1; i <= 4; i++) {
            assertEquals(ANNOUNCED, small.join("lobby", "m" + i, "s" + i, i));
        }
        assertEquals(WENT_QUIET, small.join("lobby", "m5", "s5", 5), "the fifth member is one too many");
        assertEquals(SILENT, small.join("lobby", "m6", "s6", 6));
        assertEquals(SILENT, small.leave("lobby", "m6", "s6"));
        assertEquals(SILENT, small.leave("lobby", "m5", "s5"), "back at the limit, but not yet at half of it");
        assertEquals(SILENT, small.leave("lobby", "m4", "s4"));
        assertEquals(ANNOUNCED_AGAIN, small.leave("lobby", "m3", "s3"));
        assertEquals(ANNOUNCED, small.leave("lobby", "m2", "s2"));
        assertEquals(List.of(new RoomMembers.Membership("lobby", "m1", ANNOUNCED)), small.end("s1"));
    }

    @Test
    void aStartingGatewaySeesABigRoomAsQuiet() {
        RoomMembers small = new RoomMembers(1);
        small.seed(List.of(
            new PresenceState.Session("s1", "bob", "c1", "h1", "gw1", "i1", Set.of("lobby"), null),
            new PresenceState.Session("s2", "carol", "c2", "h2", "gw2", "i2", Set.of("lobby"), null)), room -> 0);
        assertTrue(small.page("lobby", null, 10).quiet());
        assertEquals(SILENT, small.join("lobby", "dan", "s3", 1));
    }

    @Test
    void pagesFollowEachOtherInCaseInsensitiveOrder() {
        List.of("dan", "Carol", "amy", "Bob", "eve").forEach(nick -> members.join("lobby", nick, nick, 1));
        assertEquals(new RoomMembers.Page(List.of("amy", "Bob"), 5, false, true), members.page("lobby", null, 2));
        assertEquals(new RoomMembers.Page(List.of("Carol", "dan"), 5, false, true), members.page("lobby", "BOB", 2));
        assertEquals(new RoomMembers.Page(List.of("eve"), 5, false, false), members.page("lobby", "dan", 2));
        assertEquals(new RoomMembers.Page(List.of("dan", "eve"), 5, false, false), members.page("lobby", "cz", 2),
            "after need not be a member");
        assertEquals(new RoomMembers.Page(List.of(), 0, false, false), members.page("nowhere", null, 2));
    }

    @Test
    void aRoomKnowsWhetherAnythingWasSaidSinceASeqFromWhenItWasListedOn() {
        members.join("lobby", "bob", "s1", 100);
        assertFalse(members.noMessagesSince("lobby", 99), "what came before the room was listed here is unknown");
        assertTrue(members.noMessagesSince("lobby", 100));
        members.messageRead("lobby", 120);
        assertFalse(members.noMessagesSince("lobby", 110));
        assertFalse(members.noMessagesSince("lobby", 120));
        assertTrue(members.noMessagesSince("lobby", 121));
        assertFalse(members.noMessagesSince("dev", 121), "a room nobody is in is unknown");

        members.leave("lobby", "bob", "s1");
        members.join("lobby", "bob", "s2", 200);
        assertFalse(members.noMessagesSince("lobby", 121), "the room was forgotten while empty");
    }
}
