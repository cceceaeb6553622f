package chat.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JSON form of {@link ChatEvent}s on the Kafka topic: {@code {"v":1,"type":...,...}} in UTF-8, with the room (or a
 * direct message's conversation) as the record key. A reader skips event types it does not know, so newer writers can add types. Thread-safe.
 */
public final class EventCodec {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = Json.mapper().build();

    private EventCodec() {}

    /** The record key: the room, or for a direct message its conversation, so that each keeps its order. */
    public static byte[] key(ChatEvent event) {
        String key = switch (event) {
            case ChatEvent.MessagePosted m -> m.room();
            case ChatEvent.MemberJoined j -> j.room();
            case ChatEvent.MemberLeft l -> l.room();
            case ChatEvent.DirectMessage d -> d.conversation();
            case ChatEvent.WaitingDelivered w -> w.conversation();
        };
        return key.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(ChatEvent event) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", FORMAT_VERSION);
        switch (event) {
            case ChatEvent.MessagePosted m -> o.put("type", "message").put("room", m.room()).put("from", m.from())
                .put("text", m.text()).put("id", m.id()).put("ts", m.ts());
            case ChatEvent.MemberJoined j -> putSession(o.put("type", "join").put("room", j.room()).put("nick", j.nick()),
                j.session());
            case ChatEvent.MemberLeft l -> putSession(o.put("type", "leave").put("room", l.room()).put("nick", l.nick()),
                l.session());
            case ChatEvent.DirectMessage d -> {
                o.put("type", "dm").put("from", d.from()).put("to", d.to()).put("text", d.text()).put("id", d.id())
                    .put("ts", d.ts());
                putIfPresent(o, "fromAccount", d.fromAccount());
                putIfPresent(o, "toAccount", d.toAccount());
                if (d.waiting()) {
                    o.put("waiting", true);
                }
            }
            case ChatEvent.WaitingDelivered w -> o.put("type", "waiting_delivered").put("account", w.account())
                .put("conversation", w.conversation()).put("through", w.through());
        }
        o.put("gateway", event.gateway());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * The event in {@code value}, or empty for a well-formed event of a type this reader does not know.
     *
     * @throws IllegalArgumentException when the value is not an event of this format
     */
    public static Optional<ChatEvent> decode(byte[] value) {
        JsonNode o;
        try {
            o = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("event is not JSON", e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("event is not a JSON object");
        }
        String type = text(o, "type");
        return Optional.ofNullable(switch (type) {
            case "message" -> new ChatEvent.MessagePosted(text(o, "room"), text(o, "from"), text(o, "text"),
                text(o, "id"), text(o, "ts"), text(o, "gateway"));
            case "join" -> new ChatEvent.MemberJoined(text(o, "room"), text(o, "nick"), optionalText(o, "session"),
                text(o, "gateway"));
            case "leave" -> new ChatEvent.MemberLeft(text(o, "room"), text(o, "nick"), optionalText(o, "session"),
                text(o, "gateway"));
            case "dm" -> new ChatEvent.DirectMessage(text(o, "from"), text(o, "to"), text(o, "text"), text(o, "id"),
                text(o, "ts"), text(o, "gateway"), optionalText(o, "fromAccount"), optionalText(o, "toAccount"),
                o.path("waiting").asBoolean(false));
            case "waiting_delivered" -> new ChatEvent.WaitingDelivered(text(o, "account"), text(o, "conversation"),
                number(o, "through"), text(o, "gateway"));
            default -> null;
        });
    }

    private static void putSession(ObjectNode o, String session) {
        putIfPresent(o, "session", session);
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static long number(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("event field " + field + " is missing or not an integer");
        }
        return value.longValue();
    }

    private static String optionalText(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("event field " + field + " is not a string");
        }
        return value.textValue();
    }

    private static String text(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("event field " + field + " is missing or not a string");
        }
        return value.textValue();
    }
}
