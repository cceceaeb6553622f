package chat.history.store;

/** Where a page of waiting messages ended: the next page holds those after {@code (stream, seq)} in that order. */
public record WaitingCursor(String stream, long seq) {}
