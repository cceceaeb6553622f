package chat.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The JSON form of {@link ChatEvent}s on the Kafka topic: {@code {"v":1,"type":...,...}} in UTF-8, with the room (or a
 * direct message's conversation) as the record key. A reader skips event types it does not know, so newer writers can add types. Thread-safe.
 */
public final class EventCodec {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = Json.mapper().build();
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    private EventCodec() {}

    /** The record key: the event's {@link #stream}, so that each keeps its order. */
    public static byte[] key(ChatEvent event) {
        return stream(event).getBytes(StandardCharsets.UTF_8);
    }

    /** The stream the event belongs to: the room, or for a direct message its conversation. */
    public static String stream(ChatEvent event) {
        return switch (event) {
            case ChatEvent.MessagePosted m -> m.room();
            case ChatEvent.MemberJoined j -> j.room();
            case ChatEvent.MemberLeft l -> l.room();
            case ChatEvent.DirectMessage d -> d.conversation();
            case ChatEvent.WaitingDelivered w -> w.conversation();
        };
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
        return Optional.ofNullable(event(tree(value)));
    }

    /**
     * The event a record of the chat topic holds, when it is one as a gateway writes it: an event of a type this reader
     * knows, its fields of the right kinds and within the protocol's rules (rooms, nicks, ids, text, timestamps), keyed
     * by its room or its conversation, so that it is in their partition and its offset is their seq. A reader skips
     * any other record, rather than deliver or store it.
     *
     * @throws IllegalArgumentException saying what is wrong with the record
     */
    public static ChatEvent decodeRecord(byte[] key, byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("the record has no value");
        }
        JsonNode tree = tree(value);
        ChatEvent event = event(tree);
        if (event == null) {
            throw new IllegalArgumentException("an event of a type this reader does not know: " + shown(text(tree, "type")));
        }
        String problem = problem(event);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] expected = key(event);
        if (!Arrays.equals(key, expected)) {
            String by = event instanceof ChatEvent.DirectMessage || event instanceof ChatEvent.WaitingDelivered
                ? "conversation" : "room";
            throw new IllegalArgumentException((key == null ? "the record has no key" : "the record is keyed "
                + shown(new String(key, StandardCharsets.UTF_8))) + ", not by its " + by + " "
                + shown(new String(expected, StandardCharsets.UTF_8)));
        }
        return event;
    }

    /** What in the event breaks a rule a gateway keeps when it writes one, or null. */
    private static String problem(ChatEvent event) {
        return switch (event) {
            case ChatEvent.MessagePosted m -> firstOf(room(m.room()), nick("from", m.from()), Limits.textProblem(m.text()),
                Limits.idProblem(m.id()), timestamp(m.ts()));
            case ChatEvent.MemberJoined j -> firstOf(room(j.room()), nick("nick", j.nick()));
            case ChatEvent.MemberLeft l -> firstOf(room(l.room()), nick("nick", l.nick()));
            case ChatEvent.DirectMessage d -> firstOf(nick("from", d.from()), nick("to", d.to()),
                Limits.textProblem(d.text()), Limits.idProblem(d.id()), timestamp(d.ts()));
            case ChatEvent.WaitingDelivered w -> w.through() < 0 ? "through is below 0" : null;
        };
    }

    private static String firstOf(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String room(String room) {
        return Limits.isValidRoom(room) ? null : "room " + shown(room) + " is not a room name";
    }

    private static String nick(String field, String nick) {
        return Limits.isValidNick(nick) ? null : field + " " + shown(nick) + " is not a nick";
    }

    /** A gateway's timestamp: ISO-8601 UTC with milliseconds, as PROTOCOL.md shows it (2026-11-22T23:40:09.102Z). */
    private static String timestamp(String ts) {
        try {
            if (TIMESTAMP.matcher(ts).matches()) {
                Instant.parse(ts);
                return null;
            }
        } catch (DateTimeParseException e) {
            // Shaped like one, yet no instant (a 13th month): said below.
        }
        return "ts " + shown(ts) + " is not an ISO-8601 UTC time with milliseconds";
    }

    /** A value of the record, quoted, and cut short: it is the writer's, and goes into a log. */
    private static String shown(String value) {
        return "'" + (value.length() <= 40 ? value : value.substring(0, 40) + "...") + "'";
    }

    private static JsonNode tree(byte[] value) {
        JsonNode o;
        try {
            o = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("event is not JSON", e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("event is not a JSON object");
        }
        return o;
    }

    /** The event the tree holds, or null for one of a type this reader does not know. */
    private static ChatEvent event(JsonNode o) {
        return switch (text(o, "type")) {
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
        };
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
