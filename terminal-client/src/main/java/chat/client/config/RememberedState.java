package chat.client.config;

import chat.client.failover.Failover.Gateway;
import chat.protocol.Limits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the client remembers of one nick between runs: the rooms and direct conversations it had open, the gateways
 * it talked to and its session token, so that the next start under that nick takes them up again (a conversation's
 * recent messages are asked of the gateway again, as a room's are on join). {@link StateStore} keeps one file of it
 * per nick. The file is written by the client but may be damaged or planted, so {@link #load} checks every value and
 * gives up on a bad file without failing. Immutable.
 *
 * @param nick the nick, or null in {@link #EMPTY}
 * @param rooms the rooms open last, at most {@link #MAX_ROOMS} (more are dropped from the end), each once
 * @param conversations the nicks of the direct conversations open last, at most {@link #MAX_CONVERSATIONS}, each once
 *     whatever its case
 * @param gateways the gateways used last, possibly none
 * @param token the session token the gateway gave last, or null: a secret, shown to nobody and left out of
 *     {@link #toString}
 */
public record RememberedState(String nick, List<String> rooms, List<String> conversations, List<Gateway> gateways,
                              String token) {
    public static final RememberedState EMPTY = new RememberedState(null, List.of(), List.of(), List.of(), null);
    /** Rooms kept at most; the first ones are kept. */
    public static final int MAX_ROOMS = ClientConfig.MAX_ROOMS;
    /** Direct conversations kept at most; the first ones are kept. */
    public static final int MAX_CONVERSATIONS = 100;
    /** A larger file is not read at all: the client never writes one near this size. */
    public static final int MAX_FILE_BYTES = StateFiles.MAX_FILE_BYTES;
    /**
     * Version of the file's format, written as {@code "version"}. Version 1, from before each nick had a file of its
     * own, had no conversations and no token; it is read as well.
     */
    static final int FORMAT_VERSION = 2;

    /**
     * The state read from a file, and why the file was set aside (a sentence to show the user), or null when it
     * was read or did not exist.
     */
    public record Loaded(RememberedState state, String problem) {}

    /** @throws IllegalArgumentException when the nick, a room, a conversation, a gateway or the token is not valid */
    public RememberedState {
        if (nick != null && !Limits.isValidNick(nick)) {
            throw new IllegalArgumentException("the nick is not a valid nick");
        }
        Set<String> uniqueRooms = new LinkedHashSet<>();
        for (String room : rooms) {
            if (!Limits.isValidRoom(room)) {
                throw new IllegalArgumentException("a room is not a valid room name");
            }
            if (uniqueRooms.size() < MAX_ROOMS) {
                uniqueRooms.add(room);
            }
        }
        rooms = List.copyOf(uniqueRooms);
        Map<String, String> uniqueConversations = new LinkedHashMap<>();
        for (String with : conversations) {
            if (!Limits.isValidNick(with)) {
                throw new IllegalArgumentException("a conversation is not with a valid nick");
            }
            if (uniqueConversations.size() < MAX_CONVERSATIONS) {
                uniqueConversations.putIfAbsent(Limits.foldNick(with), with);
            }
        }
        conversations = List.copyOf(uniqueConversations.values());
        gateways = List.copyOf(new LinkedHashSet<>(gateways));
        if (gateways.size() > GatewayAddresses.MAX_GATEWAYS || !gateways.stream().allMatch(GatewayAddresses::isValid)) {
            throw new IllegalArgumentException("the gateways must be at most " + GatewayAddresses.MAX_GATEWAYS
                + " valid HOST:PORT addresses");
        }
        if (token != null && !isValidToken(token)) {
            throw new IllegalArgumentException("the session token is not 1 to " + Limits.MAX_SESSION_LENGTH
                + " printable ASCII characters");
        }
    }

    /** A token as the gateway gives one: printable ASCII without spaces, as long as the protocol allows. */
    private static boolean isValidToken(String token) {
        return !token.isEmpty() && token.length() <= Limits.MAX_SESSION_LENGTH
            && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** Whether this is the state of {@code other}, a nick compared as the cluster compares nicks. */
    public boolean isOf(String other) {
        return nick != null && other != null && Limits.foldNick(nick).equals(Limits.foldNick(other));
    }

    /**
     * The state in {@code file}: {@link #EMPTY} when there is no file, and {@link #EMPTY} with the reason when the
     * file cannot be read or holds anything but a valid state. Never throws.
     */
    public static Loaded load(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Loaded(EMPTY, null);
        }
        try {
            return new Loaded(fromJson(StateFiles.readObject(file)), null);
        } catch (IllegalArgumentException e) {
            return new Loaded(EMPTY, StateFiles.setAside(file, e.getMessage()));
        }
    }

    /** Writes the state to {@code file} at once or not at all, readable by the user alone. */
    public void save(Path file) throws IOException {
        StateFiles.writeAtomically(file, toJson());
    }

    ObjectNode toJson() {
        ObjectNode root = StateFiles.JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        if (nick != null) {
            root.put("nick", nick);
        }
        ArrayNode roomArray = root.putArray("rooms");
        rooms.forEach(roomArray::add);
        ArrayNode conversationArray = root.putArray("conversations");
        conversations.forEach(conversationArray::add);
        ArrayNode gatewayArray = root.putArray("gateways");
        gateways.forEach(g -> gatewayArray.add(GatewayAddresses.format(g)));
        if (token != null) {
            root.put("session", token);
        }
        return root;
    }

    /**
     * The state in a file's JSON object, of format version 1 or 2; unknown fields are ignored, for a later version's
     * sake.
     *
     * @throws IllegalArgumentException saying what is wrong, without quoting the file: it may hold anything
     */
    static RememberedState fromJson(JsonNode root) {
        int version = versionOf(root);
        if (version != 1 && version != FORMAT_VERSION) {
            throw new IllegalArgumentException("it is not of format version 1 or " + FORMAT_VERSION);
        }
        String nick = string(root, "nick");
        List<String> rooms = strings(root, "rooms");
        List<String> conversations = strings(root, "conversations");
        List<Gateway> gateways = new ArrayList<>();
        for (String entry : strings(root, "gateways")) {
            try {
                gateways.add(GatewayAddresses.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a gateway is not HOST:PORT");
            }
        }
        if (gateways.size() > GatewayAddresses.MAX_GATEWAYS) {
            throw new IllegalArgumentException("it lists more than " + GatewayAddresses.MAX_GATEWAYS + " gateways");
        }
        return new RememberedState(nick, rooms, conversations, gateways, string(root, "session"));
    }

    /** The format version a file's object says it has; 1 when it says none, as the first files did not. */
    static int versionOf(JsonNode root) {
        JsonNode version = root.get("version");
        if (version == null) {
            return 1;
        }
        if (!version.isInt()) {
            throw new IllegalArgumentException("its version is not a number");
        }
        return version.intValue();
    }

    /** The field's string, or null when it is missing. */
    static String string(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("its " + field + " is not a string");
        }
        return value.textValue();
    }

    /** The field's strings; none when it is missing. */
    private static List<String> strings(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException("its " + field + " is not a list");
        }
        List<String> values = new ArrayList<>(array.size());
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("its " + field + " holds something other than a string");
            }
            values.add(value.textValue());
        }
        return values;
    }

    /** Everything but the token, which is a secret. */
    @Override
    public String toString() {
        return "RememberedState[nick=" + nick + ", rooms=" + rooms + ", conversations=" + conversations
            + ", gateways=" + gateways + ", token=" + (token == null ? "none" : "(secret)") + "]";
    }
}
