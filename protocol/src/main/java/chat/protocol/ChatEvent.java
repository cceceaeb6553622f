package chat.protocol;

/**
 * An event on the chat topic. Events of one room share the room as their Kafka key, and the direct messages between
 * two nicks share their {@link DirectMessage#conversation()}, so each keeps its order; the Kafka offset of an event is
 * its {@code seq}. {@code gateway} names the gateway that wrote the event.
 */
public sealed interface ChatEvent {
    String gateway();

    /** A message said in a room. {@code ts} is ISO-8601 UTC, set by the gateway that accepted it. */
    record MessagePosted(String room, String from, String text, String id, String ts, String gateway) implements ChatEvent {}

    /**
     * A nick joined a room. {@code session} names the session that joined (it stays the same when the session resumes
     * on another gateway), so a gateway can tell this membership from one of a later session of the same nick; it is
     * null in events written before sessions were named.
     */
    record MemberJoined(String room, String nick, String session, String gateway) implements ChatEvent {}

    /** A nick left a room; {@code session} as in {@link MemberJoined}. */
    record MemberLeft(String room, String nick, String session, String gateway) implements ChatEvent {}

    /**
     * A direct message from one nick to another. {@code ts} is ISO-8601 UTC, set by the gateway that accepted it.
     * {@code fromAccount} and {@code toAccount} name the account each side was signed in to or registered as when the
     * gateway accepted it (null for a guest): stored conversations are served to an account only where its side names
     * it. {@code waiting} says the addressee's account had no session then, so the message waits for its next sign-in.
     */
    record DirectMessage(String from, String to, String text, String id, String ts, String gateway, String fromAccount,
                         String toAccount, boolean waiting) implements ChatEvent {
        public DirectMessage(String from, String to, String text, String id, String ts, String gateway) {
            this(from, to, text, id, ts, gateway, null, null, false);
        }

        /** The Kafka key of the conversation: both nicks, case-folded and sorted, so either direction shares it. */
        public String conversation() {
            return conversationOf(from, to);
        }
    }

    /**
     * The waiting direct messages of {@code conversation} to {@code account}, up to and including seq {@code through},
     * were delivered at a sign-in. Keyed by the conversation, so it follows the messages it covers in their partition.
     */
    record WaitingDelivered(String account, String conversation, long through, String gateway) implements ChatEvent {}

    /** The key of the direct conversation between two nicks, the same whichever comes first. */
    static String conversationOf(String nick, String other) {
        String a = Limits.foldNick(nick);
        String b = Limits.foldNick(other);
        return a.compareTo(b) <= 0 ? "@" + a + ":" + b : "@" + b + ":" + a;
    }
}
