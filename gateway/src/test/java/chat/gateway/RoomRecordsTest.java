package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomRecordsTest {
    private final RoomRecords records = new RoomRecords();

    private static Set<String> roomsNamed(int count) {
        Set<String> rooms = new HashSet<>();
        for (int i = 0; i < count; i++) {
            rooms.add("room-" + i);
        }
        return rooms;
    }

    private int bytesOfJoining(Set<String> roomsBefore) {
        Set<String> roomsNow = new HashSet<>(roomsBefore);
        roomsNow.add("one-more");
        return PresenceCodec.encode(records.afterChange("alice", "c1", roomsNow, "one-more", 1_234_567)).length;
    }

    @Test
    void joiningOneMoreRoomWritesAsMuchForAMemberOfAThousandRoomsAsForAMemberOfOne() {
        int withOne = bytesOfJoining(roomsNamed(1));
        int withThousand = bytesOfJoining(roomsNamed(1_000));
        assertEquals(withOne, withThousand, "the record's size does not grow with the rooms the session is in");
        Set<String> thousandAndOne = roomsNamed(1_000);
        thousandAndOne.add("one-more");
        assertEquals(new PresenceRecord.Room("alice", "c1", new PresenceRecord.RoomChange("one-more", 7), true),
            records.afterChange("alice", "c1", thousandAndOne, "one-more", 7));
    }

    @Test
    void aPartNamesTheRoomLeft() {
        assertEquals(new PresenceRecord.Room("alice", "c1", new PresenceRecord.RoomChange("gone", 9), false),
            records.afterChange("alice", "c1", Set.of("kept"), "gone", 9));
    }

    @Test
    void afterARecordWasLostTheHoldingsNextRecordListsAllItsRoomsAndThenChangesAgain() {
        records.afterChange("alice", "c1", Set.of("a"), "a", 1);
        records.lost("c1");
        assertEquals(new PresenceRecord.Rooms("alice", "c1", List.of("a", "b", "c"), new PresenceRecord.RoomChange("c", 3)),
            records.afterChange("alice", "c1", Set.of("c", "b", "a"), "c", 3));
        assertEquals(new PresenceRecord.Room("alice", "c1", new PresenceRecord.RoomChange("d", 4), true),
            records.afterChange("alice", "c1", Set.of("a", "b", "c", "d"), "d", 4));
        assertEquals(new PresenceRecord.Room("bob", "c2", new PresenceRecord.RoomChange("x", 5), true),
            records.afterChange("bob", "c2", Set.of("x"), "x", 5), "another holding's loss is not this one's");
    }

    @Test
    void aHoldingThatEndedAfterALossIsForgotten() {
        records.lost("c1");
        records.ended("c1");
        assertEquals(new PresenceRecord.Room("alice", "c1", new PresenceRecord.RoomChange("a", 1), true),
            records.afterChange("alice", "c1", Set.of("a"), "a", 1));
    }
}
