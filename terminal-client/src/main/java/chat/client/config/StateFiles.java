package chat.client.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reading and writing the client's own JSON files: a file is read with suspicion (it may be damaged or planted) and
 * written whole or not at all, so that two clients saving side by side never leave half a file. Stateless and
 * thread-safe.
 */
final class StateFiles {
    /** A larger file is not read at all: the client never writes one near this size. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    static final JsonMapper JSON = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private StateFiles() {}

    /**
     * The JSON object in {@code file}.
     *
     * @throws IllegalArgumentException saying why the file cannot be used, without quoting it: it may hold anything
     */
    static JsonNode readObject(Path file) {
        try {
            // Not a FIFO, device or directory: reading one could block or never end.
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("it is not a regular file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("it is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
            }
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("it does not hold a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("it is not valid JSON"
                + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** What to tell the user of a file that was set aside. */
    static String setAside(Path file, String reason) {
        return "ignored " + file + ": " + reason;
    }

    /**
     * Writes {@code json} to {@code file} at once or not at all: to a new file beside it (readable by the user
     * alone, as {@link Files#createTempFile} makes it), then moved over it. Creates the directory, readable by the
     * user alone where the file system has POSIX permissions.
     */
    static void writeAtomically(Path file, JsonNode json) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename, so that a crash cannot leave an empty file behind.
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
}
