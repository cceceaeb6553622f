package chat.protocol;

/**
 * What makes a message the same message: the stream it was said in (a room, or a conversation's key), its sender as
 * nicks compare ({@link Limits#foldNick}), and the id the sender gave it. A resend carries the same id, so every copy
 * of one message has one key; ids are the client's own, so two senders may well pick the same one, and a resend under
 * another case of the nick is still the same sender. Gateways drop, and the history keeps once, the copies that share
 * a key. Immutable.
 */
public record MessageKey(String stream, String sender, String id) {
    public MessageKey {
        sender = Limits.foldNick(sender);
    }

    public static MessageKey of(ChatEvent.MessagePosted m) {
        return new MessageKey(m.room(), m.from(), m.id());
    }

    public static MessageKey of(ChatEvent.DirectMessage d) {
        return new MessageKey(d.conversation(), d.from(), d.id());
    }
}
