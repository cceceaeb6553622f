package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RecentIdsTest {
    private static final RecentIds.Seen FIRST = new RecentIds.Seen(1, "t1");
    private static final RecentIds.Seen SECOND = new RecentIds.Seen(2, "t2");

    @Test
    void theFirstSightingWinsAndIsRemembered() {
        RecentIds ids = new RecentIds(10, 10);
        assertNull(ids.recordIfFirst("room", "alice", "m1", FIRST));
        assertEquals(FIRST, ids.recordIfFirst("room", "ALICE", "m1", SECOND));
        assertEquals(FIRST, ids.find("room", "alice", "m1"));
    }

    @Test
    void idsAreTheSendersOwnAndRoomsAreApart() {
        RecentIds ids = new RecentIds(10, 10);
        ids.recordIfFirst("room", "alice", "m1", FIRST);
        assertNull(ids.recordIfFirst("room", "bob", "m1", SECOND));
        assertNull(ids.recordIfFirst("other", "alice", "m1", SECOND));
    }

    @Test
    void memoryIsBoundedPerRoomAndInRooms() {
        RecentIds ids = new RecentIds(2, 2);
        ids.recordIfFirst("a", "x", "1", FIRST);
        ids.recordIfFirst("a", "x", "2", FIRST);
        ids.recordIfFirst("a", "x", "3", FIRST);
        assertNull(ids.find("a", "x", "1"), "the oldest id of a full room is forgotten");
        assertEquals(FIRST, ids.find("a", "x", "3"));

        ids.recordIfFirst("b", "x", "1", FIRST);
        ids.find("a", "x", "3");
        ids.recordIfFirst("c", "x", "1", FIRST);
        assertNull(ids.find("b", "x", "1"), "the least recently used room is forgotten");
        assertEquals(FIRST, ids.find("a", "x", "3"));
    }
}
