package chat.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids lately seen in each room, so that a message resent after a failover is delivered once. Memory is
 * bounded twice: at most {@code perRoom} ids in a room and at most {@code maxRooms} rooms, the least recently used
 * forgotten first. Thread-safe (one lock; the fan-out thread records, connection threads look up).
 */
final class RecentIds {
    /** Where and when a message id was first seen. */
    record Seen(long seq, String ts) {}

    private final int perRoom;
    private final LinkedHashMap<String, LinkedHashMap<String, Seen>> rooms;

    RecentIds(int perRoom, int maxRooms) {
        this.perRoom = perRoom;
        this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LinkedHashMap<String, Seen>> eldest) {
                return size() > maxRooms;
            }
        };
    }

    /** The first sighting of this sender's id in the room, or null when there was none. */
    synchronized Seen find(String room, String from, String id) {
        LinkedHashMap<String, Seen> ids = rooms.get(room);
        return ids == null ? null : ids.get(key(from, id));
    }

    /** Records a sighting; returns the earlier one when the id was already seen (then nothing changes), else null. */
    synchronized Seen recordIfFirst(String room, String from, String id, Seen seen) {
        LinkedHashMap<String, Seen> ids = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > perRoom;
            }
        });
        return ids.putIfAbsent(key(from, id), seen);
    }

    private static String key(String from, String id) {
        // Ids are the client's own: two senders may well pick the same one.
        return from.toLowerCase(java.util.Locale.ROOT) + '\u0000' + id;
    }
}
