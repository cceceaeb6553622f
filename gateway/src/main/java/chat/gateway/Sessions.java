package chat.gateway;

import chat.protocol.Limits;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this gateway and the nicks they hold, compared ignoring case. Which session holds a nick is the
 * cluster's decision ({@link ClusterPresence}); this only finds the local connection of a session. Thread-safe.
 */
final class Sessions {
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Connection> byNick = new ConcurrentHashMap<>();

    void add(Connection connection) {
        connections.put(connection.id(), connection);
    }

    /** The connection now holds the nick's session here, in place of any connection that held it before. */
    void bind(String nick, Connection connection) {
        byNick.put(Limits.foldNick(nick), connection);
    }

    /** The connection holding the nick, or null. */
    Connection byNick(String nick) {
        return byNick.get(Limits.foldNick(nick));
    }

    void remove(Connection connection) {
        connections.remove(connection.id());
        String nick = connection.nick();
        if (nick != null) {
            byNick.remove(Limits.foldNick(nick), connection);
        }
    }

    Collection<Connection> all() {
        return connections.values();
    }
}
