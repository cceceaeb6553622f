package chat.gateway.presence;

import chat.protocol.Json;
import chat.protocol.Limits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of {@link PresenceRecord}s: {@code {"v":1,"type":...,...}} in UTF-8. Records about a nick are keyed by
 * the case-folded nick, records about a gateway by its incarnation. A reader skips types it does not know.
 * Thread-safe.
 */
public final class PresenceCodec {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = Json.mapper().build();

    private PresenceCodec() {}

    public static byte[] key(PresenceRecord record) {
        String key = switch (record) {
            case PresenceRecord.Heartbeat h -> "gateway:" + h.incarnation();
            case PresenceRecord.Stopped s -> "gateway:" + s.incarnation();
            case PresenceRecord.Claim c -> "nick:" + Limits.foldNick(c.nick());
            case PresenceRecord.Release r -> "nick:" + Limits.foldNick(r.nick());
            case PresenceRecord.Rooms r -> "nick:" + Limits.foldNick(r.nick());
            case PresenceRecord.Room r -> "nick:" + Limits.foldNick(r.nick());
            case PresenceRecord.Register r -> "nick:" + Limits.foldNick(r.nick());
            case PresenceRecord.Passwd p -> "nick:" + Limits.foldNick(p.nick());
            case PresenceRecord.Unregister u -> "nick:" + Limits.foldNick(u.nick());
        };
        return key.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(PresenceRecord record) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", FORMAT_VERSION);
        switch (record) {
            case PresenceRecord.Heartbeat h -> o.put("type", "heartbeat").put("gateway", h.gateway())
                .put("incarnation", h.incarnation()).put("start", h.start());
            case PresenceRecord.Stopped s -> o.put("type", "stopped").put("gateway", s.gateway())
                .put("incarnation", s.incarnation());
            case PresenceRecord.Claim c -> {
                o.put("type", "claim").put("nick", c.nick()).put("claim", c.claim()).put("session", c.session());
                if (c.proof() != null) {
                    o.put("proof", c.proof());
                }
                o.put("gateway", c.gateway()).put("incarnation", c.incarnation());
                if (c.account() != null) {
                    o.put("account", c.account());
                }
            }
            case PresenceRecord.Register r -> {
                o.put("type", "register").put("nick", r.nick()).put("account", r.account());
                if (r.credential() != null) {
                    o.put("credential", r.credential());
                }
                if (r.claim() != null) {
                    o.put("claim", r.claim());
                }
            }
            case PresenceRecord.Passwd p -> o.put("type", "passwd").put("nick", p.nick()).put("account", p.account())
                .put("credential", p.credential());
            case PresenceRecord.Unregister u -> o.put("type", "unregister").put("nick", u.nick())
                .put("account", u.account());
            case PresenceRecord.Release r -> o.put("type", "release").put("nick", r.nick()).put("claim", r.claim());
            case PresenceRecord.Room r -> o.put("type", "room").put("nick", r.nick()).put("claim", r.claim())
                .put("room", r.change().room()).put("member", r.member()).put("seq", r.change().seq());
            case PresenceRecord.Rooms r -> {
                o.put("type", "rooms").put("nick", r.nick()).put("claim", r.claim());
                ArrayNode rooms = o.putArray("rooms");
                r.rooms().forEach(rooms::add);
                if (r.cause() != null) {
                    o.putObject("cause").put("room", r.cause().room()).put("seq", r.cause().seq());
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * The record in {@code value}, or empty for a well-formed record of a type this reader does not know.
     *
     * @throws IllegalArgumentException when the value is not a presence record
     */
    public static Optional<PresenceRecord> decode(byte[] value) {
        JsonNode o;
        try {
            o = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("presence record is not JSON", e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("presence record is not a JSON object");
        }
        return Optional.ofNullable(switch (text(o, "type")) {
            case "heartbeat" -> new PresenceRecord.Heartbeat(text(o, "gateway"), text(o, "incarnation"),
                o.path("start").asBoolean(false));
            case "stopped" -> new PresenceRecord.Stopped(text(o, "gateway"), text(o, "incarnation"));
            case "claim" -> new PresenceRecord.Claim(text(o, "nick"), text(o, "claim"), text(o, "session"),
                optionalText(o, "proof"), text(o, "gateway"), text(o, "incarnation"), optionalText(o, "account"));
            case "register" -> new PresenceRecord.Register(text(o, "nick"), text(o, "account"),
                optionalText(o, "credential"), optionalText(o, "claim"));
            case "passwd" -> new PresenceRecord.Passwd(text(o, "nick"), text(o, "account"), text(o, "credential"));
            case "unregister" -> new PresenceRecord.Unregister(text(o, "nick"), text(o, "account"));
            case "release" -> new PresenceRecord.Release(text(o, "nick"), text(o, "claim"));
            case "rooms" -> new PresenceRecord.Rooms(text(o, "nick"), text(o, "claim"), strings(o, "rooms"), cause(o));
            case "room" -> new PresenceRecord.Room(text(o, "nick"), text(o, "claim"),
                new PresenceRecord.RoomChange(text(o, "room"), integer(o, "seq")), bool(o, "member"));
            default -> null;
        });
    }

    /**
     * The record a record of the presence topic holds, when it is one as a gateway writes it: keyed, and of a type this
     * reader knows with fields of the right kinds. Every gateway skips any other, so all of them apply the same
     * records and hold the same state.
     *
     * @throws IllegalArgumentException saying what is wrong with the record
     */
    public static PresenceRecord decodeRecord(byte[] key, byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("the record has no value");
        }
        if (key == null) {
            throw new IllegalArgumentException("the record has no key");
        }
        return decode(value).orElseThrow(() -> new IllegalArgumentException(
            "a presence record of a type this reader does not know: " + typeOf(value)));
    }

    private static String typeOf(byte[] value) {
        try {
            String type = JSON.readTree(value).path("type").asText();
            return "'" + (type.length() <= 40 ? type : type.substring(0, 40) + "...") + "'";
        } catch (IOException e) {
            throw new IllegalArgumentException("presence record is not JSON", e);
        }
    }

    static String optionalText(JsonNode o, String field) {
        return o.hasNonNull(field) ? text(o, field) : null;
    }

    static String text(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("presence field " + field + " is missing or not a string");
        }
        return value.textValue();
    }

    static long integer(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("presence field " + field + " is missing or not an integer");
        }
        return value.longValue();
    }

    private static boolean bool(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("presence field " + field + " is missing or not true or false");
        }
        return value.booleanValue();
    }

    private static PresenceRecord.RoomChange cause(JsonNode o) {
        JsonNode cause = o.get("cause");
        if (cause == null || cause.isNull()) {
            return null;
        }
        if (!cause.isObject()) {
            throw new IllegalArgumentException("presence field cause must be {room, seq}");
        }
        return new PresenceRecord.RoomChange(text(cause, "room"), integer(cause, "seq"));
    }

    static List<String> strings(JsonNode o, String field) {
        JsonNode value = o.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("presence field " + field + " is missing or not an array");
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("presence field " + field + " must hold strings");
            }
            out.add(item.textValue());
        }
        return out;
    }
}
