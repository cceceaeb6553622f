package chat.history.store;

import chat.protocol.ChatEvent;

/**
 * The waiting direct messages of the conversation {@code stream} to {@code account}, up to and including seq
 * {@code through}, were delivered: none of them is waiting any more.
 */
public record DeliveryMark(String account, String stream, long through) {

    public static DeliveryMark of(ChatEvent.WaitingDelivered w) {
        return new DeliveryMark(w.account(), w.conversation(), w.through());
    }
}
