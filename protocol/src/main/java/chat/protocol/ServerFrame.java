package chat.protocol;

import java.util.List;

/** A frame a gateway sends to a client. Frames that answer a client frame carry its {@code ref} (or null). */
public sealed interface ServerFrame {

    /** {@code account} says the session is signed in to the nick's account; false for a guest. */
    record Welcome(String nick, String session, String gateway, boolean account, String ref) implements ServerFrame {}

    /** The nick the session holds is now registered to an account. */
    record Registered(String nick, String ref) implements ServerFrame {}

    /**
     * Follows the direct messages that waited for the account while it was offline, delivered at its sign-in:
     * {@code count} of them (0 when none waited). Sent once per sign-in with a new session.
     */
    record Waited(int count) implements ServerFrame {}

    /**
     * The answer to {@code join}. {@code members} is the first page of the room's members (all of them when
     * {@code count} is no more), sorted ignoring case; {@code quiet} says joins and leaves of the room are not announced
     * ({@code presence}) while it is this big. {@code live} is where the client's live stream of the room starts:
     * messages from this seq on come live, those below it in the replay. A client that loses its gateway before it has
     * seen any message of the room asks for both again from there.
     */
    record Joined(String room, List<String> members, int count, boolean quiet, long live, String ref)
        implements ServerFrame {
        public Joined {
            members = List.copyOf(members);
        }

        /** A room small enough to be listed whole and announced. */
        public Joined(String room, List<String> members, long live, String ref) {
            this(room, members, members.size(), false, live, ref);
        }
    }

    record Parted(String room, String ref) implements ServerFrame {}

    /**
     * Members who joined or left a room, in the order they did: {@code event} is {@code "join"} or {@code "leave"}, and
     * {@code nicks} a run of consecutive changes of that kind, coalesced into one frame.
     */
    record Presence(String room, String event, List<String> nicks) implements ServerFrame {
        public Presence {
            nicks = List.copyOf(nicks);
        }

        /** One member's join or leave. */
        public Presence(String room, String nick, String event) {
            this(room, event, List.of(nick));
        }
    }

    record Ack(String id, long seq, String ts, String ref) implements ServerFrame {}

    record Message(String room, String from, String text, String id, long seq, String ts) implements ServerFrame {}

    /**
     * A direct message, sent to its addressee and to its sender. {@code waiting} marks one that was sent while its
     * addressee's account was offline and is delivered now, at sign-in.
     */
    record Dm(String from, String to, String text, String id, long seq, String ts, boolean waiting)
        implements ServerFrame {
        public Dm(String from, String to, String text, String id, long seq, String ts) {
            this(from, to, text, id, seq, ts, false);
        }
    }

    /**
     * A page of the room's nicks on every gateway, sorted ignoring case, out of {@code count}; {@code more} says later
     * pages exist. The answer to {@code who}, or, without a {@code ref}, the gateway's word that the room went
     * {@code quiet} (its first page) or is announced again (all of it).
     */
    record Members(String room, List<String> members, int count, boolean quiet, boolean more, String ref)
        implements ServerFrame {
        public Members {
            members = List.copyOf(members);
        }

        /** A room small enough to be listed whole and announced. */
        public Members(String room, List<String> members, String ref) {
            this(room, members, members.size(), false, false, ref);
        }
    }

    /** Answer to {@code rooms}: every room with at least one member, by name. */
    record RoomList(List<RoomSummary> rooms, String ref) implements ServerFrame {
        public RoomList {
            rooms = List.copyOf(rooms);
        }
    }

    /** One room of a {@link RoomList}: its name and how many members it has. */
    record RoomSummary(String room, int members) {}

    /**
     * Stored messages of a room ({@code room} set, {@link Message}s) or of a direct conversation ({@code with} set, the
     * other nick, {@link Dm}s), oldest first. Sent on {@code join} before the room's live messages, and in answer to
     * a {@code history} request. {@code unavailable} says the history service could not be asked.
     */
    record History(String room, String with, List<ServerFrame> messages, boolean more, boolean unavailable, String ref)
        implements ServerFrame {
        public History {
            messages = List.copyOf(messages);
        }
    }

    record Pong(String ref) implements ServerFrame {}

    /**
     * The gateway is about to close the connection. {@code reason} is the wire text, kept as it came so that a reason
     * this side does not know still reads; {@link #why()} names it from the catalogue.
     */
    record Bye(String reason, String ref) implements ServerFrame {
        public Bye(ByeReason reason, String ref) {
            this(requireSendable(reason).wireText(), ref);
        }

        /** The reason as {@link ByeReason} names it, {@link ByeReason#UNKNOWN} for one this side does not know. */
        public ByeReason why() {
            return ByeReason.fromWireText(reason);
        }

        private static ByeReason requireSendable(ByeReason reason) {
            if (reason == ByeReason.UNKNOWN) {
                throw new IllegalArgumentException("a bye names a reason of the catalogue");
            }
            return reason;
        }
    }

    record Error(ErrorCode code, String message, String ref) implements ServerFrame {}
}
