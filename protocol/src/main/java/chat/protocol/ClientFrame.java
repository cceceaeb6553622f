package chat.protocol;

/**
 * A frame a client sends to a gateway. Instances are valid by construction of {@link FrameCodec#decodeClient}: names,
 * text and ids have passed the protocol's rules. {@code ref} is the client's optional correlation token, or null.
 */
public sealed interface ClientFrame {
    String ref();

    /**
     * Opens a session. {@code session} resumes one; {@code password} or {@code token} (a signed JWT; never both) signs in
     * to the nick's account. Neither credential appears in {@link #toString()}, so no log line can carry one.
     */
    record Hello(String nick, int version, String session, String password, String token, String ref)
        implements ClientFrame {
        public Hello(String nick, int version, String session, String ref) {
            this(nick, version, session, null, null, ref);
        }

        @Override
        public String toString() {
            return "Hello[nick=" + nick + ", session=" + (session == null ? "none" : "given") + ", password="
                + (password == null ? "none" : "given") + ", token=" + (token == null ? "none" : "given") + "]";
        }
    }

    /** Registers the nick the session holds to an account with {@code password}, which {@link #toString()} hides. */
    record Register(String password, String ref) implements ClientFrame {
        @Override
        public String toString() {
            return "Register[ref=" + ref + "]";
        }
    }

    /** {@code after} is the last seq the client has seen of the room, or null. */
    record Join(String room, Long after, String ref) implements ClientFrame {}

    record Part(String room, String ref) implements ClientFrame {}

    /**
     * A message to a room. {@code resend}: the client sent this id before, on this or an earlier connection, and had no
     * ack for it.
     */
    record Say(String room, String text, String id, boolean resend, String ref) implements ClientFrame {
        public Say(String room, String text, String id, String ref) {
            this(room, text, id, false, ref);
        }
    }

    /** Asks who is in a room, on any gateway. */
    /** A page of the room's members: at most {@code limit}, those after the nick {@code after} (null: from the first). */
    record Who(String room, String after, int limit, String ref) implements ClientFrame {
        public Who(String room, String ref) {
            this(room, null, Limits.MEMBERS_PAGE, ref);
        }
    }

    /** Asks for every room that has a member anywhere in the cluster. */
    record Rooms(String ref) implements ClientFrame {}

    /** A direct message to the session holding nick {@code to}; {@code resend} as for {@link Say}. */
    record Dm(String to, String text, String id, boolean resend, String ref) implements ClientFrame {
        public Dm(String to, String text, String id, String ref) {
            this(to, text, id, false, ref);
        }
    }

    /**
     * Asks for older messages of a room ({@code room} set) or of the direct conversation with nick {@code with}
     * (exactly one of the two is set): the {@code limit} newest messages before {@code before}, or the newest of all
     * when {@code before} is null.
     */
    record History(String room, String with, Long before, int limit, String ref) implements ClientFrame {}

    /**
     * The client has the direct messages that waited for its account in the conversation with nick {@code with}, up to
     * and including seq {@code through}: they need not wait any more.
     */
    record Received(String with, long through, String ref) implements ClientFrame {}

    record Ping(String ref) implements ClientFrame {}

    record Quit(String ref) implements ClientFrame {}
}
