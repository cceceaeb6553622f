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
        RecentIds ids = new RecentIds(10, 10);
        assertNull(ids.recordIfFirst(new MessageKey("room", "alice", "m1"), FIRST));
        assertEquals(FIRST, ids.recordIfFirst(new MessageKey("room", "ALICE", "m1"), SECOND));
        assertEquals(FIRST, ids.find(new MessageKey("room", "alice", "m1")));
    }

    @Test
    void idsAreTheSendersOwnAndRoomsAreApart() {
        RecentIds ids = new RecentIds(10, 10);
        ids.recordIfFirst(new MessageKey("room", "alice", "m1"), FIRST);
        assertNull(ids.recordIfFirst(new MessageKey("room", "bob", "m1"), SECOND));
        assertNull(ids.recordIfFirst(new MessageKey("other", "alice", "m1"), SECOND));
    }

    @Test
    void memoryIsBoundedPerRoomAndInRooms() {
        RecentIds ids = new RecentIds(2, 2);
        ids.recordIfFirst(new MessageKey("a", "x", "1"), FIRST);
        ids.recordIfFirst(new MessageKey("a", "x", "2"), FIRST);
        ids.recordIfFirst(new MessageKey("a", "x", "3"), FIRST);
        assertNull(ids.find(new MessageKey("a", "x", "1")), "the oldest id of a full room is forgotten");
        assertEquals(FIRST, ids.find(new MessageKey("a", "x", "3")));

        ids.recordIfFirst(new MessageKey("b", "x", "1"), FIRST);
        ids.find(new MessageKey("a", "x", "3"));
        ids.recordIfFirst(new MessageKey("c", "x", "1"), FIRST);
        assertNull(ids.find(new MessageKey("b", "x", "1")), "the least recently used room is forgotten");
        assertEquals(FIRST, ids.find(new MessageKey("a", "x", "3")));
    }
}
