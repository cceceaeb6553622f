package chat.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The members of every room in the whole cluster as far as the join and leave events read since this gateway started
 * tell. Written only by the fan-out thread; read by any. A member is a nick on a gateway, so the same nick on two
 * gateways is two members until nicks are unique cluster-wide.
 */
final class RoomDirectory {
    private final Map<String, Map<String, String>> rooms = new ConcurrentHashMap<>();

    void joined(String room, String nick, String gateway) {
        rooms.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put(memberKey(nick, gateway), nick);
    }

    void left(String room, String nick, String gateway) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(memberKey(nick, gateway));
            return members.isEmpty() ? null : members;
        });
    }

    /** The room's nicks, sorted ignoring case, each once. */
    List<String> members(String room) {
        Map<String, String> members = rooms.get(room);
        if (members == null) {
            return List.of();
        }
        List<String> nicks = new ArrayList<>(members.values().stream().distinct().toList());
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    private static String memberKey(String nick, String gateway) {
        return gateway + '\u0000' + Sessions.fold(nick);
    }
}
