package chat.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of this gateway's connections receive each room. The fan-out thread adds and removes members as it reads
 * joins and parts back from Kafka; a closing connection removes itself. Thread-safe.
 */
final class LocalRooms {
    private final ConcurrentHashMap<String, Set<Connection>> rooms = new ConcurrentHashMap<>();

    void add(String room, Connection connection) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    void remove(String room, Connection connection) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(connection);
            return members.isEmpty() ? null : members;
        });
    }

    /** The room's local members; iterating it is safe while members come and go. */
    Set<Connection> members(String room) {
        Set<Connection> members = rooms.get(room);
        return members == null ? Set.of() : members;
    }
}
