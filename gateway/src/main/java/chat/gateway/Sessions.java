package chat.gateway;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this gateway and the nicks they hold, compared ignoring case. A nick is held by one connection of
 * this gateway at a time. Thread-safe.
 */
final class Sessions {
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Connection> byNick = new ConcurrentHashMap<>();

    void add(Connection connection) {
        connections.put(connection.id(), connection);
    }

    /** Takes the nick for the connection; false when another connection holds it. */
    boolean claim(String nick, Connection connection) {
        return byNick.putIfAbsent(fold(nick), connection) == null;
    }

    /** The connection holding the nick, or null. */
    Connection byNick(String nick) {
        return byNick.get(fold(nick));
    }

    void remove(Connection connection) {
        connections.remove(connection.id());
        String nick = connection.nick();
        if (nick != null) {
            byNick.remove(fold(nick), connection);
        }
    }

    Collection<Connection> all() {
        return connections.values();
    }

    static String fold(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }
}
