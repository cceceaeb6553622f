package chat.gateway;

import chat.protocol.MessageKey;
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
    private final LinkedHashMap<String, LinkedHashMap<MessageKey, Seen>> rooms;

    RecentIds(int perRoom, int maxRooms) {
        this.perRoom = perRoom;
        this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LinkedHashMap<MessageKey, Seen>> eldest) {
                return size() > maxRooms;
            }
        };
    }

    /** The first sighting of the message, or null when there was none. */
    synchronized Seen find(MessageKey message) {
        LinkedHashMap<MessageKey, Seen> ids = rooms.get(message.stream());
        return ids == null ? null : ids.get(message);
    }

    /** Records a sighting; returns the earlier one when the message was already seen (then nothing changes), else null. */
    synchronized Seen recordIfFirst(MessageKey message, Seen seen) {
        LinkedHashMap<MessageKey, Seen> ids = rooms.computeIfAbsent(message.stream(), r -> new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MessageKey, Seen> eldest) {
                return size() > perRoom;
            }
        });
        return ids.putIfAbsent(message, seen);
    }
}
