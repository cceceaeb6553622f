package chat.history.store;

import chat.protocol.ChatEvent;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;

/**
 * One row of the chat log: a message of a room, or a direct message ({@code recipient} set). {@code stream} is the
 * room or the conversation key, {@code seq} the record's offset in its partition.
 */
public record StoredMessage(String stream, long seq, String sender, String recipient, String id, String text, String ts) {

    public static StoredMessage of(ChatEvent.MessagePosted m, long seq) {
        return new StoredMessage(m.room(), seq, m.from(), null, m.id(), m.text(), m.ts());
    }

    public static StoredMessage of(ChatEvent.DirectMessage d, long seq) {
        return new StoredMessage(d.conversation(), seq, d.from(), d.to(), d.id(), d.text(), d.ts());
    }

    /** Nicks are one nick whatever their case: a resend under another case is still the same sender. */
    public String senderKey() {
        return Limits.foldNick(sender);
    }

    /** The frame a client sees for this row: {@code message} for a room, {@code dm} for a conversation. */
    public ServerFrame toFrame() {
        return recipient == null
            ? new ServerFrame.Message(stream, sender, text, id, seq, ts)
            : new ServerFrame.Dm(sender, recipient, text, id, seq, ts);
    }
}
