package chat.history.store;

import chat.protocol.ChatEvent;

/**
 * The waiting direct messages of the conversation {@code stream} to {@code account}, up to and including seq
 * {@code through}, were delivered: none of them is waiting any more.
 */
public record DeliveryMark(String account, String stream, long through) {

    /**
     * The mark {@code w}, read at {@code offset} of its conversation's partition. It covers only messages before it in
     * the partition: a client that claims a seq still to come cannot have future messages skip their wait.
     */
    public static DeliveryMark of(ChatEvent.WaitingDelivered w, long offset) {
        return new DeliveryMark(w.account(), w.conversation(), Math.min(w.through(), offset - 1));
    }
}
