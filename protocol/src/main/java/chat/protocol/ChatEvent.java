package chat.protocol;

/**
 * An event on the chat topic. Events of one room share the room as their Kafka key, so they keep their order; the
 * Kafka offset of an event is its {@code seq}. {@code gateway} names the gateway that wrote the event.
 */
public sealed interface ChatEvent {
    String room();

    String gateway();

    /** A message said in a room. {@code ts} is ISO-8601 UTC, set by the gateway that accepted it. */
    record MessagePosted(String room, String from, String text, String id, String ts, String gateway) implements ChatEvent {}

    record MemberJoined(String room, String nick, String gateway) implements ChatEvent {}

    record MemberLeft(String room, String nick, String gateway) implements ChatEvent {}
}
