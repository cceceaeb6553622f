package chat.protocol;

import java.util.List;

/**
 * A page of stored history as the history service answers it: {@code message} (or {@code dm}) frames, oldest first,
 * and whether more messages lie beyond the page in the direction it was read.
 */
public record HistoryPage(List<ServerFrame> messages, boolean more) {
    public HistoryPage {
        messages = List.copyOf(messages);
    }

    /** The seq of the last message, or {@code otherwise} for an empty page. */
    public long lastSeq(long otherwise) {
        return messages.isEmpty() ? otherwise : seqOf(messages.getLast());
    }

    public static long seqOf(ServerFrame message) {
        return switch (message) {
            case ServerFrame.Message m -> m.seq();
            case ServerFrame.Dm d -> d.seq();
            default -> throw new IllegalArgumentException("not a message: " + message);
        };
    }
}
