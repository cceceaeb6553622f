package chat.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One system the fan-out bench drives: its members already in the room, a way to send as one of the senders, and the
 * server processes whose CPU time counts. Implementations are thread-safe for {@link #send} from one pacer thread
 * while their receivers record.
 */
interface FanoutPeer extends AutoCloseable {
    /** The system's name in the report. */
    String name();

    /** What runs, for the report's header: versions, processes, how it was found or started. */
    String description();

    /** One per receiver; receiver {@code i < senders} is sender {@code i}'s own connection, where there is one. */
    List<Receipts> receivers();

    /** Whether a sender gets its own message back (IRC does not send it to its sender). */
    boolean echoesToSender();

    /** Sends {@code payload} as sender {@code sender}. */
    void send(int sender, byte[] payload) throws IOException;

    /**
     * The processes whose CPU counts, by role, in the order of the report's columns: the first role is the one
     * compared across systems (the chat's gateways, the nats-server...). A pid of -1 is one that could not be found.
     */
    Map<String, List<Long>> serverProcesses();

    Incidents incidents();

    /** Closes the members' connections and stops what the peer started. */
    @Override
    void close();

    /** A system that cannot run here (its server is not installed): reported as skipped, with how to get it. */
    final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }
}
