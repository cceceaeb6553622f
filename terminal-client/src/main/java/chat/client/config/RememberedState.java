package chat.client.config;

import chat.client.failover.Failover.Gateway;
import chat.protocol.Limits;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the client remembers between runs, in {@code state.json} in its config directory: the nick it used last, the
 * rooms it had open and the gateways it talked to. Messages are not remembered; a room's history is fetched again
 * on join. The file is written by the client but may be damaged or planted, so {@link #load} checks every value and
 * gives up on a bad file without failing. Immutable.
 *
 * @param nick the nick used last, or null
 * @param rooms the rooms open last, at most {@link #MAX_ROOMS} (more are dropped from the end), each once
 * @param gateways the gateways used last, possibly none
 */
public record RememberedState(String nick, List<String> rooms, List<Gateway> gateways) {
    public static final RememberedState EMPTY = new RememberedState(null, List.of(), List.of());
    /** Rooms kept at most; the first ones are kept. */
    public static final int MAX_ROOMS = ClientConfig.MAX_ROOMS;
    /** A larger file is not read at all: the client never writes one near this size. */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    /** Version of the file's format, written as {@code "version"}. */
    static final int FORMAT_VERSION = 1;

    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    /**
     * The state read from a file, and why the file was set aside (a sentence to show the user), or null when it
     * was read or did not exist.
     */
    public record Loaded(RememberedState state, String problem) {}

    /** @throws IllegalArgumentException when the nick, a room or a gateway is not valid */
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
        gateways = List.copyOf(new LinkedHashSet<>(gateways));
        if (gateways.size() > GatewayAddresses.MAX_GATEWAYS || !gateways.stream().allMatch(GatewayAddresses::isValid)) {
            throw new IllegalArgumentException("the gateways must be at most " + GatewayAddresses.MAX_GATEWAYS
                + " valid HOST:PORT addresses");
        }
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
            return new Loaded(fromJson(read(file)), null);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            return setAside(file, "it is not valid JSON"
                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            return setAside(file, "it cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            return setAside(file, e.getMessage());
        }
    }

    /**
     * Writes the state to {@code file} at once or not at all: to a new file beside it, then moved over it. Creates
     * the directory, readable by the user alone where the file system has POSIX permissions.
     */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson());
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename, so that a crash cannot leave an empty state.json behind.
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static byte[] read(Path file) throws IOException {
        // Not a FIFO, device or directory: reading one could block or never end.
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("it is not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("it is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
            }
            return bytes;
        }
    }

    private ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        if (nick != null) {
            root.put("nick", nick);
        }
        ArrayNode roomArray = root.putArray("rooms");
        rooms.forEach(roomArray::add);
        ArrayNode gatewayArray = root.putArray("gateways");
        gateways.forEach(g -> gatewayArray.add(GatewayAddresses.format(g)));
        return root;
    }

    /**
     * The state in the JSON, which must be an object; unknown fields are ignored, for a later version's sake.
     *
     * @throws IllegalArgumentException saying what is wrong, without quoting the file: it may hold anything
     */
    private static RememberedState fromJson(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("it does not hold a JSON object");
        }
        JsonNode version = root.get("version");
        if (version != null && !(version.isInt() && version.intValue() == FORMAT_VERSION)) {
            throw new IllegalArgumentException("it is not of format version " + FORMAT_VERSION);
        }
        JsonNode nick = root.get("nick");
        if (nick != null && !nick.isNull() && !nick.isTextual()) {
            throw new IllegalArgumentException("its nick is not a string");
        }
        List<String> rooms = strings(root, "rooms");
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
        return new RememberedState(nick == null || nick.isNull() ? null : nick.textValue(), rooms, gateways);
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

    private static Loaded setAside(Path file, String reason) {
        return new Loaded(EMPTY, "ignored " + file + ": " + reason);
    }
}
