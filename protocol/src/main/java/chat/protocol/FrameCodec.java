package chat.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns wire lines into frames and frames into wire lines, both directions. A line is one JSON
 * object without its terminating newline; framing into lines is {@link LineReader}'s job. Every field of a client
 * frame is checked here, so a decoded {@link ClientFrame} is valid. Thread-safe and stateless.
 */
public final class FrameCodec {
    private static final ObjectMapper JSON = Json.mapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    private FrameCodec() {}

    // ---- client frames ----

    public static ClientFrame decodeClient(String line) throws ProtocolException {
        ObjectNode object = parseObject(line);
        String ref = optionalString(object, "ref", Limits.MAX_REF_LENGTH, null);
        String type = typeOf(object, ref);
        return switch (type) {
            case "hello" -> {
                String nick = nick(object, "nick", ref);
                Long version = integer(object.get("version"));
                if (version == null || version != Limits.PROTOCOL_VERSION) {
                    throw new ProtocolException(ErrorCode.BAD_FRAME, "version must be " + Limits.PROTOCOL_VERSION, ref);
                }
                String session = optionalString(object, "session", Limits.MAX_SESSION_LENGTH, ref);
                String password = optionalString(object, "password", Limits.MAX_PASSWORD_CODE_POINTS * 2, ref);
                String token = optionalString(object, "token", Limits.MAX_TOKEN_LENGTH, ref);
                if (password != null && token != null) {
                    throw new ProtocolException(ErrorCode.BAD_FRAME, "sign in with a password or a token, not both", ref);
                }
                yield new ClientFrame.Hello(nick, Limits.PROTOCOL_VERSION, session, password, token, ref);
            }
            case "register" -> {
                String password = requiredString(object, "password", ref);
                String problem = Limits.passwordProblem(password);
                if (problem != null) {
                    throw new ProtocolException(ErrorCode.BAD_PASSWORD, problem, ref);
                }
                yield new ClientFrame.Register(password, ref);
            }
            case "join" -> {
                String room = room(object, ref);
                JsonNode after = object.get("after");
                Long afterSeq = null;
                if (after != null && !after.isNull()) {
                    afterSeq = integer(after);
                    if (afterSeq == null || afterSeq < -1) {
                        throw new ProtocolException(ErrorCode.BAD_FRAME, "after must be an integer seq of -1 or more", ref);
                    }
                }
                yield new ClientFrame.Join(room, afterSeq, ref);
            }
            case "part" -> new ClientFrame.Part(room(object, ref), ref);
            case "say" -> {
                String room = room(object, ref);
                yield new ClientFrame.Say(room, messageText(object, ref), messageId(object, ref),
                    optionalBoolean(object, "resend", ref), ref);
            }
            case "dm" -> {
                String to = nick(object, "to", ref);
                yield new ClientFrame.Dm(to, messageText(object, ref), messageId(object, ref),
                    optionalBoolean(object, "resend", ref), ref);
            }
            case "history" -> history(object, ref);
            case "who" -> who(object, ref);
            case "rooms" -> new ClientFrame.Rooms(ref);
            case "received" -> {
                String with = nick(object, "with", ref);
                Long through = integer(object.get("through"));
                if (through == null || through < 0) {
                    throw new ProtocolException(ErrorCode.BAD_FRAME, "through must be a seq of 0 or more", ref);
                }
                yield new ClientFrame.Received(with, through, ref);
            }
            case "ping" -> new ClientFrame.Ping(ref);
            case "quit" -> new ClientFrame.Quit(ref);
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type: " + truncate(type), ref);
        };
    }

    public static String encode(ClientFrame frame) {
        ObjectNode o = JSON.createObjectNode();
        switch (frame) {
            case ClientFrame.Hello h -> {
                o.put("type", "hello").put("nick", h.nick()).put("version", h.version());
                putIfPresent(o, "session", h.session());
                putIfPresent(o, "password", h.password());
                putIfPresent(o, "token", h.token());
            }
            case ClientFrame.Register r -> o.put("type", "register").put("password", r.password());
            case ClientFrame.Join j -> {
                o.put("type", "join").put("room", j.room());
                if (j.after() != null) {
                    o.put("after", j.after());
                }
            }
            case ClientFrame.Part p -> o.put("type", "part").put("room", p.room());
            case ClientFrame.Say s -> {
                o.put("type", "say").put("room", s.room()).put("text", s.text()).put("id", s.id());
                putIfTrue(o, "resend", s.resend());
            }
            case ClientFrame.Who w -> {
                o.put("type", "who").put("room", w.room());
                putIfPresent(o, "after", w.after());
                o.put("limit", w.limit());
            }
            case ClientFrame.Rooms r -> o.put("type", "rooms");
            case ClientFrame.Dm d -> {
                o.put("type", "dm").put("to", d.to()).put("text", d.text()).put("id", d.id());
                putIfTrue(o, "resend", d.resend());
            }
            case ClientFrame.History h -> {
                o.put("type", "history");
                putIfPresent(o, "room", h.room());
                putIfPresent(o, "with", h.with());
                if (h.before() != null) {
                    o.put("before", h.before());
                }
                o.put("limit", h.limit());
            }
            case ClientFrame.Received r -> o.put("type", "received").put("with", r.with()).put("through", r.through());
            case ClientFrame.Ping p -> o.put("type", "ping");
            case ClientFrame.Quit q -> o.put("type", "quit");
        }
        putIfPresent(o, "ref", frame.ref());
        return write(o);
    }

    // ---- server frames ----

    /** The frame as a line on the wire: its UTF-8 bytes and the newline, encoded once for all its recipients. */
    public static byte[] encodeLine(ServerFrame frame) {
        return (encode(frame) + '\n').getBytes(StandardCharsets.UTF_8);
    }

    public static String encode(ServerFrame frame) {
        ObjectNode o = JSON.createObjectNode();
        String ref = null;
        switch (frame) {
            case ServerFrame.Welcome w -> {
                o.put("type", "welcome").put("nick", w.nick()).put("session", w.session()).put("gateway", w.gateway())
                    .put("account", w.account());
                ref = w.ref();
            }
            case ServerFrame.Registered r -> {
                o.put("type", "registered").put("nick", r.nick());
                ref = r.ref();
            }
            case ServerFrame.Waited w -> o.put("type", "waited").put("count", w.count());
            case ServerFrame.Joined j -> {
                o.put("type", "joined").put("room", j.room());
                putMembers(o, j.members(), j.count(), j.quiet());
                o.put("live", j.live());
                ref = j.ref();
            }
            case ServerFrame.Parted p -> {
                o.put("type", "parted").put("room", p.room());
                ref = p.ref();
            }
            case ServerFrame.Presence p -> {
                o.put("type", "presence").put("room", p.room()).put("event", p.event());
                ArrayNode nicks = o.putArray("nicks");
                p.nicks().forEach(nicks::add);
            }
            case ServerFrame.Ack a -> {
                o.put("type", "ack").put("id", a.id()).put("seq", a.seq()).put("ts", a.ts());
                ref = a.ref();
            }
            case ServerFrame.Message m -> putMessage(o, m);
            case ServerFrame.Dm d -> putMessage(o, d);
            case ServerFrame.History h -> {
                o.put("type", "history");
                putIfPresent(o, "room", h.room());
                putIfPresent(o, "with", h.with());
                putMessages(o, h.messages());
                o.put("more", h.more());
                if (h.unavailable()) {
                    o.put("unavailable", true);
                }
                ref = h.ref();
            }
            case ServerFrame.Members m -> {
                o.put("type", "members").put("room", m.room());
                putMembers(o, m.members(), m.count(), m.quiet());
                o.put("more", m.more());
                ref = m.ref();
            }
            case ServerFrame.RoomList l -> {
                o.put("type", "rooms");
                ArrayNode rooms = o.putArray("rooms");
                l.rooms().forEach(r -> rooms.addObject().put("room", r.room()).put("members", r.members()));
                ref = l.ref();
            }
            case ServerFrame.Pong p -> {
                o.put("type", "pong");
                ref = p.ref();
            }
            case ServerFrame.Bye b -> {
                o.put("type", "bye").put("reason", b.reason());
                ref = b.ref();
            }
            case ServerFrame.Error e -> {
                o.put("type", "error").put("code", e.code().wireName()).put("message", e.message());
                ref = e.ref();
            }
        }
        putIfPresent(o, "ref", ref);
        return write(o);
    }

    /** Decodes a gateway's frame, as a client does. Less strict than {@link #decodeClient}: the gateway is trusted to be well-formed. */
    public static ServerFrame decodeServer(String line) throws ProtocolException {
        ObjectNode o = parseObject(line);
        String ref = optionalString(o, "ref", Integer.MAX_VALUE, null);
        String type = typeOf(o, ref);
        return switch (type) {
            case "welcome" -> new ServerFrame.Welcome(requiredString(o, "nick", ref), requiredString(o, "session", ref),
                requiredString(o, "gateway", ref), o.path("account").asBoolean(false), ref);
            case "registered" -> new ServerFrame.Registered(requiredString(o, "nick", ref), ref);
            case "waited" -> new ServerFrame.Waited((int) requiredLong(o, "count", ref));
            case "joined" -> new ServerFrame.Joined(requiredString(o, "room", ref), stringList(o, "members", ref),
                (int) requiredLong(o, "count", ref), o.path("quiet").asBoolean(false), requiredLong(o, "live", ref), ref);
            case "parted" -> new ServerFrame.Parted(requiredString(o, "room", ref), ref);
            case "presence" -> new ServerFrame.Presence(requiredString(o, "room", ref), requiredString(o, "event", ref),
                stringList(o, "nicks", ref));
            case "ack" -> new ServerFrame.Ack(requiredString(o, "id", ref), requiredLong(o, "seq", ref),
                requiredString(o, "ts", ref), ref);
            case "message", "dm" -> message(o, ref);
            case "history" -> new ServerFrame.History(optionalString(o, "room", Integer.MAX_VALUE, ref),
                optionalString(o, "with", Integer.MAX_VALUE, ref), messages(o, ref), requiredBoolean(o, "more", ref),
                o.path("unavailable").asBoolean(false), ref);
            case "members" -> new ServerFrame.Members(requiredString(o, "room", ref), stringList(o, "members", ref),
                (int) requiredLong(o, "count", ref), o.path("quiet").asBoolean(false), requiredBoolean(o, "more", ref), ref);
            case "rooms" -> new ServerFrame.RoomList(roomSummaries(o, ref), ref);
            case "pong" -> new ServerFrame.Pong(ref);
            case "bye" -> new ServerFrame.Bye(requiredString(o, "reason", ref), ref);
            case "error" -> {
                String code = requiredString(o, "code", ref);
                try {
                    yield new ServerFrame.Error(ErrorCode.fromWireName(code), requiredString(o, "message", ref), ref);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ErrorCode.BAD_FRAME, e.getMessage(), ref);
                }
            }
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type: " + truncate(type), ref);
        };
    }

    // ---- pages of the history service's HTTP API: {"messages":[message or dm frames], "more": bool} ----

    public static String encode(HistoryPage page) {
        ObjectNode o = JSON.createObjectNode();
        putMessages(o, page.messages());
        o.put("more", page.more());
        return write(o);
    }

    public static HistoryPage decodeHistoryPage(String json) throws ProtocolException {
        ObjectNode o = parseObject(json);
        return new HistoryPage(messages(o, null), requiredBoolean(o, "more", null));
    }

    // ---- helpers ----

    private static ClientFrame.History history(ObjectNode o, String ref) throws ProtocolException {
        String room = null;
        String with = null;
        if (o.hasNonNull("room") == o.hasNonNull("with")) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "history needs one of room or with", ref);
        }
        if (o.hasNonNull("room")) {
            room = room(o, ref);
        } else {
            with = nick(o, "with", ref);
        }
        Long before = null;
        JsonNode beforeNode = o.get("before");
        if (beforeNode != null && !beforeNode.isNull()) {
            before = integer(beforeNode);
            if (before == null || before < 0) {
                throw new ProtocolException(ErrorCode.BAD_FRAME, "before must be a seq of 0 or more", ref);
            }
        }
        return new ClientFrame.History(room, with, before,
            limit(o, Limits.DEFAULT_HISTORY_PAGE, Limits.MAX_HISTORY_PAGE, ref), ref);
    }

    private static ClientFrame.Who who(ObjectNode o, String ref) throws ProtocolException {
        String room = room(o, ref);
        String after = null;
        if (o.hasNonNull("after")) {
            after = nick(o, "after", ref);
        }
        return new ClientFrame.Who(room, after, limit(o, Limits.MEMBERS_PAGE, Limits.MAX_MEMBERS_PAGE, ref), ref);
    }

    /** The frame's nick {@code field}, which must be there and be a valid nick. */
    private static String nick(ObjectNode o, String field, String ref) throws ProtocolException {
        String nick = requiredString(o, field, ref);
        if (!Limits.isValidNick(nick)) {
            throw new ProtocolException(ErrorCode.BAD_NICK, field + " must match ^[A-Za-z][A-Za-z0-9_-]{0,19}$", ref);
        }
        return nick;
    }

    /** The frame's {@code limit}: {@code absent} when it names none, else 1 to {@code max}. */
    private static int limit(ObjectNode o, int absent, int max, String ref) throws ProtocolException {
        JsonNode limit = o.get("limit");
        if (limit == null || limit.isNull()) {
            return absent;
        }
        Long value = integer(limit);
        if (value == null || value < 1 || value > max) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "limit must be 1 to " + max, ref);
        }
        return value.intValue();
    }

    /**
     * The value of an integer that fits in 64 bits, or null for anything else. Not {@code asLong()}, which cuts a larger
     * integer to its low 64 bits: 18446744073709551617 would read as 1.
     */
    private static Long integer(JsonNode value) {
        return value != null && value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
    }

    private static void putMembers(ObjectNode o, List<String> page, int count, boolean quiet) {
        ArrayNode members = o.putArray("members");
        page.forEach(members::add);
        o.put("count", count);
        if (quiet) {
            o.put("quiet", true);
        }
    }

    private static void putMessage(ObjectNode o, ServerFrame message) {
        switch (message) {
            case ServerFrame.Message m -> o.put("type", "message").put("room", m.room()).put("from", m.from())
                .put("text", m.text()).put("id", m.id()).put("seq", m.seq()).put("ts", m.ts());
            case ServerFrame.Dm d -> {
                o.put("type", "dm").put("from", d.from()).put("to", d.to()).put("text", d.text()).put("id", d.id())
                    .put("seq", d.seq()).put("ts", d.ts());
                putIfTrue(o, "waiting", d.waiting());
            }
            default -> throw new IllegalArgumentException("history holds message and dm frames only, not " + message);
        }
    }

    private static void putMessages(ObjectNode o, List<ServerFrame> messages) {
        ArrayNode array = o.putArray("messages");
        messages.forEach(m -> putMessage(array.addObject(), m));
    }

    private static List<ServerFrame> messages(ObjectNode o, String ref) throws ProtocolException {
        JsonNode value = o.get("messages");
        if (value == null || !value.isArray()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field messages must be an array", ref);
        }
        List<ServerFrame> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!(item instanceof ObjectNode m)) {
                throw new ProtocolException(ErrorCode.BAD_FRAME, "field messages must hold objects", ref);
            }
            out.add(message(m, ref));
        }
        return out;
    }

    private static ServerFrame message(ObjectNode m, String ref) throws ProtocolException {
        return switch (typeOf(m, ref)) {
            case "message" -> new ServerFrame.Message(requiredString(m, "room", ref), requiredString(m, "from", ref),
                requiredString(m, "text", ref), requiredString(m, "id", ref), requiredLong(m, "seq", ref),
                requiredString(m, "ts", ref));
            case "dm" -> new ServerFrame.Dm(requiredString(m, "from", ref), requiredString(m, "to", ref),
                requiredString(m, "text", ref), requiredString(m, "id", ref), requiredLong(m, "seq", ref),
                requiredString(m, "ts", ref), m.path("waiting").asBoolean(false));
            default -> throw new ProtocolException(ErrorCode.BAD_FRAME, "expected a message or dm frame", ref);
        };
    }

    private static boolean requiredBoolean(ObjectNode o, String field, String ref) throws ProtocolException {
        JsonNode value = o.get(field);
        if (value == null || !value.isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field " + field + " must be true or false", ref);
        }
        return value.booleanValue();
    }

    /** False when absent; anything but true or false is refused. */
    private static boolean optionalBoolean(ObjectNode o, String field, String ref) throws ProtocolException {
        return o.has(field) && requiredBoolean(o, field, ref);
    }

    private static ObjectNode parseObject(String line) throws ProtocolException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "not valid JSON", null);
        }
        if (node == null || node.getNodeType() != JsonNodeType.OBJECT) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "a frame must be a JSON object", null);
        }
        return (ObjectNode) node;
    }

    private static String typeOf(ObjectNode o, String ref) throws ProtocolException {
        JsonNode type = o.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "a frame needs a string field type", ref);
        }
        return type.textValue();
    }

    private static String room(ObjectNode o, String ref) throws ProtocolException {
        String room = requiredString(o, "room", ref);
        if (!Limits.isValidRoom(room)) {
            throw new ProtocolException(ErrorCode.BAD_ROOM, "room must match ^[a-z0-9][a-z0-9_-]{0,31}$", ref);
        }
        return room;
    }

    private static String messageText(ObjectNode o, String ref) throws ProtocolException {
        String text = requiredString(o, "text", ref);
        String problem = Limits.textProblem(text);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.BAD_TEXT, problem, ref);
        }
        return text;
    }

    private static String messageId(ObjectNode o, String ref) throws ProtocolException {
        String id = requiredString(o, "id", ref);
        String problem = Limits.idProblem(id);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, problem, ref);
        }
        return id;
    }

    private static List<ServerFrame.RoomSummary> roomSummaries(ObjectNode o, String ref) throws ProtocolException {
        JsonNode value = o.get("rooms");
        if (value == null || !value.isArray()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field rooms must be an array", ref);
        }
        List<ServerFrame.RoomSummary> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!(item instanceof ObjectNode room)) {
                throw new ProtocolException(ErrorCode.BAD_FRAME, "field rooms must hold objects", ref);
            }
            out.add(new ServerFrame.RoomSummary(requiredString(room, "room", ref), (int) requiredLong(room, "members", ref)));
        }
        return out;
    }

    private static String requiredString(ObjectNode o, String field, String ref) throws ProtocolException {
        JsonNode value = o.get(field);
        if (value == null || !value.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field " + field + " must be a string", ref);
        }
        return value.textValue();
    }

    private static String optionalString(ObjectNode o, String field, int maxLength, String ref) throws ProtocolException {
        JsonNode value = o.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().length() > maxLength) {
            throw new ProtocolException(ErrorCode.BAD_FRAME,
                "field " + field + " must be a string of at most " + maxLength + " characters", ref);
        }
        return value.textValue();
    }

    private static long requiredLong(ObjectNode o, String field, String ref) throws ProtocolException {
        JsonNode value = o.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field " + field + " must be an integer", ref);
        }
        return value.asLong();
    }

    private static List<String> stringList(ObjectNode o, String field, String ref) throws ProtocolException {
        JsonNode value = o.get(field);
        if (value == null || !value.isArray()) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "field " + field + " must be an array", ref);
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ProtocolException(ErrorCode.BAD_FRAME, "field " + field + " must hold strings", ref);
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** A flag goes on the wire only when set. */
    private static void putIfTrue(ObjectNode o, String field, boolean value) {
        if (value) {
            o.put(field, true);
        }
    }

    private static void putIfPresent(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static String write(ObjectNode o) {
        try {
            return escapeLoneSurrogates(JSON.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * The JSON text with every lone surrogate written as its escape (a backslash, u and four hex digits). A client's ref
     * may hold one (escaped in its JSON: any string is a valid ref), and Jackson writes it into the text as it is,
     * where UTF-8 has no form for it: the line would carry '?' instead, and the answer would not echo the ref the
     * client sent. A surrogate can only stand inside a JSON string, where its escape means the same.
     */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                ? i + 1 == json.length() || !Character.isLowSurrogate(json.charAt(i + 1))
                : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(json.charAt(i - 1)));
            if (lone && out == null) {
                out = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            if (out != null) {
                if (lone) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? json : out.toString();
    }

    private static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
