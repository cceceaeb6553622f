package chat.gateway;

import chat.gateway.presence.PresenceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the presence topic is told when a session joins or leaves a room: that one room ({@link PresenceRecord.Room}),
 * so a member of a thousand rooms writes as little as a member of one. Each such record changes the rooms the
 * earlier ones left, so none may be missing: once Kafka reports one of a holding lost, that holding's next record
 * lists all its rooms ({@link PresenceRecord.Rooms}) and sets them right again, as every record did before.
 *
 * <p>Thread-safe: the fan-out thread asks for records (it alone writes a session's rooms, so they keep their order);
 * the presence producer's I/O thread reports the lost ones.
 */
final class RoomRecords {
    /** Claims (holdings) one of whose room records Kafka did not take since their last full list. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();

    /**
     * The record of the holding {@code claim} of {@code nick}, now in {@code roomsNow}, after its join or leave of
     * {@code room} at {@code seq} on the chat topic.
     */
    PresenceRecord afterChange(String nick, String claim, Set<String> roomsNow, String room, long seq) {
        PresenceRecord.RoomChange change = new PresenceRecord.RoomChange(room, seq);
        if (lost.remove(claim)) {
            List<String> all = new ArrayList<>(roomsNow);
            all.sort(null);
            return new PresenceRecord.Rooms(nick, claim, all, change);
        }
        return new PresenceRecord.Room(nick, claim, change, roomsNow.contains(room));
    }

    /** Kafka did not take a room record of the holding. */
    void lost(String claim) {
        lost.add(claim);
    }

    /** The holding ended: no record of it will follow. */
    void ended(String claim) {
        lost.remove(claim);
    }
}
