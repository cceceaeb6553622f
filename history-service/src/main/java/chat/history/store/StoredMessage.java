package chat.history.store;

import chat.protocol.ChatEvent;
import chat.protocol.Limits;
import chat.protocol.MessageKey;

/**
 * One row of the chat log: a message of a room, or a direct message ({@code recipient} set). {@code stream} is the
 * room or the conversation key; {@code partition} and {@code seq} are the record's partition and offset. A direct
 * message names each side's account (null for a guest) and whether it waits for its addressee's next sign-in.
 */
public record StoredMessage(String stream, int partition, long seq, String sender, String recipient, String id,
                            String text, String ts, String senderAccount, String recipientAccount, boolean waiting) {

    public static StoredMessage of(ChatEvent.MessagePosted m, int partition, long seq) {
        return new StoredMessage(m.room(), partition, seq, m.from(), null, m.id(), m.text(), m.ts(), null, null, false);
    }

    public static StoredMessage of(ChatEvent.DirectMessage d, int partition, long seq) {
        return new StoredMessage(d.conversation(), partition, seq, d.from(), d.to(), d.id(), d.text(), d.ts(),
            d.fromAccount(), d.toAccount(), d.waiting());
    }

    /** What makes the message the same message: the store keeps one row per key, however often it was resent. */
    public MessageKey key() {
        return new MessageKey(stream, sender, id);
    }

    /** The addressee's nick folded as the key's sender is, or null for a room's message. */
    public String recipientKey() {
        return recipient == null ? null : Limits.foldNick(recipient);
    }
}
