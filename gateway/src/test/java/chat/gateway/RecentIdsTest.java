package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.protocol.MessageKey;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
    private static final RecentIds.Seen FIRST = new RecentIds.Seen(1, "t1");
    private static final RecentIds.Seen SECOND = new RecentIds.Seen(2, "t2");

    @Test
    void theFirstSightingWinsAndIsRemembered() {
        RecentIds ids = new RecentIds(10);
        assertNull(ids.recordIfFirst(new MessageKey("room", "alice", "m1"), FIRST));
        assertEquals(FIRST, ids.recordIfFirst(new MessageKey("room", "ALICE", "m1"), SECOND));
        assertEquals(FIRST, ids.find(new MessageKey("room", "alice", "m1")));
    }

    @Test
    void idsAreTheSendersOwnAndRoomsAreApart() {
        RecentIds ids = new RecentIds(10);
        ids.recordIfFirst(new MessageKey("room", "alice", "m1"), FIRST);
        assertNull(ids.recordIfFirst(new MessageKey("room", "bob", "m1"), SECOND));
        assertNull(ids.recordIfFirst(new MessageKey("other", "alice", "m1"), SECOND));
    }

    @Test
    void memoryIsBoundedOverAllStreamsTheFirstSeenForgottenFirst() {
        RecentIds ids = new RecentIds(3);
        ids.recordIfFirst(new MessageKey("quiet", "x", "1"), FIRST);
        ids.recordIfFirst(new MessageKey("busy", "x", "1"), FIRST);
        ids.recordIfFirst(new MessageKey("busy", "x", "2"), FIRST);
        ids.find(new MessageKey("quiet", "x", "1"));
        ids.recordIfFirst(new MessageKey("busy", "x", "3"), FIRST);
        assertNull(ids.find(new MessageKey("quiet", "x", "1")), "the first seen is forgotten, looked up or not");
        ids.recordIfFirst(new MessageKey("busy", "x", "4"), FIRST);
        assertNull(ids.find(new MessageKey("busy", "x", "1")));
        assertEquals(FIRST, ids.find(new MessageKey("busy", "x", "2")));
        assertEquals(FIRST, ids.find(new MessageKey("busy", "x", "4")));
    }
}
