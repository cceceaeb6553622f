package chat.client.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.client.failover.Failover.Gateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RememberedStateTest {
    private static final String TOKEN = "q3Yx0vJ6mJb1Cw2c8yq6NQ";
    private static final RememberedState STATE = new RememberedState("ann", List.of("general", "random"),
        List.of("bob", "Carol"), List.of(new Gateway("127.0.0.1", 7001), new Gateway("::1", 7002)), TOKEN);

    @TempDir
    Path dir;

    private RememberedState.Loaded loadText(String json) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return RememberedState.load(file);
    }

    private void assertSetAside(String json, String reason) throws IOException {
        RememberedState.Loaded loaded = loadText(json);
        assertEquals(RememberedState.EMPTY, loaded.state(), json);
        assertNotNull(loaded.problem(), json);
        assertTrue(loaded.problem().contains("state.json") && loaded.problem().contains(reason), loaded.problem());
    }

    private List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSavedStateLoadsBackTheSame() throws IOException {
        Path file = dir.resolve("state.json");
        STATE.save(file);
        assertEquals(new RememberedState.Loaded(STATE, null), RememberedState.load(file));
    }

    @Test
    void anEmptyStateLoadsBackTheSame() throws IOException {
        Path file = dir.resolve("state.json");
        RememberedState.EMPTY.save(file);
        assertEquals(new RememberedState.Loaded(RememberedState.EMPTY, null), RememberedState.load(file));
    }

    @Test
    void theFileIsJsonAPersonCanRead() throws IOException {
        Path file = dir.resolve("state.json");
        STATE.save(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"nick\" : \"ann\"") && json.contains("\"[::1]:7002\"") && json.contains("\"version\" : 2")
            && json.contains("\"conversations\" : [ \"bob\", \"Carol\" ]"), json);
    }

    @Test
    void aMissingFileIsAnEmptyStateAndNoProblem() {
        assertEquals(new RememberedState.Loaded(RememberedState.EMPTY, null),
            RememberedState.load(dir.resolve("nowhere/state.json")));
    }

    @Test
    void savingReplacesTheOldStateAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("state.json");
        STATE.save(file);
        RememberedState next = new RememberedState("bob", List.of("ops"), List.of(), List.of(), null);
        next.save(file);
        assertEquals(next, RememberedState.load(file).state());
        assertEquals(List.of("state.json"), filesIn(dir));
    }

    @Test
    void aFailedSaveLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("state.json");
        Files.createDirectories(file.resolve("in-the-way"));
        assertThrows(IOException.class, () -> STATE.save(file));
        assertEquals(List.of("state.json"), filesIn(dir));
        assertTrue(Files.isDirectory(file.resolve("in-the-way")));
    }

    @Test
    void savingCreatesTheDirectoryForTheUserAlone() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("config/kafka-chat/state.json");
        STATE.save(file);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void damagedJsonIsSetAside() throws IOException {
        assertSetAside("{\"nick\": \"ann\"", "not valid JSON");
        assertSetAside("", "not hold a JSON object");
        assertSetAside("not json at all", "not valid JSON");
        assertSetAside("{\"nick\": \"ann\"} {}", "not valid JSON");
        assertSetAside("{\"nick\": \"ann\", \"nick\": \"bob\"}", "not valid JSON");
        assertSetAside("[\"ann\"]", "not hold a JSON object");
        assertSetAside("[".repeat(10_000), "not valid JSON");
    }

    @Test
    void valuesOfTheWrongTypeAreSetAside() throws IOException {
        assertSetAside("{\"nick\": 42}", "nick is not a string");
        assertSetAside("{\"rooms\": \"general\"}", "rooms is not a list");
        assertSetAside("{\"rooms\": [1, 2]}", "rooms holds something other than a string");
        assertSetAside("{\"gateways\": [{\"host\": \"a\", \"port\": 1}]}", "gateways holds something other");
        assertSetAside("{\"version\": 3, \"nick\": \"ann\"}", "format version 1 or 2");
        assertSetAside("{\"version\": \"2\", \"nick\": \"ann\"}", "version is not a number");
        assertSetAside("{\"conversations\": \"bob\"}", "conversations is not a list");
        assertSetAside("{\"session\": 12}", "session is not a string");
    }

    @Test
    void invalidNamesAreSetAsideWithoutEchoingThem() throws IOException {
        String escape = "\\u001b[2J";
        assertSetAside("{\"nick\": \"" + escape + "\"}", "not a valid nick");
        assertSetAside("{\"rooms\": [\"general\", \"" + escape + "\"]}", "not a valid room name");
        assertSetAside("{\"gateways\": [\"" + escape + "\"]}", "a gateway is not HOST:PORT");
        assertFalse(loadText("{\"nick\": \"" + escape + "\"}").problem().contains("\u001b"));
        assertSetAside("{\"nick\": \"" + "a".repeat(21) + "\"}", "not a valid nick");
        assertSetAside("{\"conversations\": [\"" + escape + "\"]}", "not with a valid nick");
        assertSetAside("{\"session\": \"" + escape + "\"}", "token is not");
        assertSetAside("{\"session\": \"" + "x".repeat(129) + "\"}", "token is not");
        assertSetAside("{\"session\": \"\"}", "token is not");
    }

    @Test
    void aFileLargerThan64KiBIsNotRead() throws IOException {
        assertSetAside("{\"nick\": \"ann\", \"pad\": \"" + "x".repeat(RememberedState.MAX_FILE_BYTES) + "\"}",
            "larger than 64 KiB");
    }

    @Test
    void somethingOtherThanAFileIsSetAside() throws IOException {
        Path notAFile = dir.resolve("state.json");
        Files.createDirectories(notAFile);
        RememberedState.Loaded loaded = RememberedState.load(notAFile);
        assertEquals(RememberedState.EMPTY, loaded.state());
        assertTrue(loaded.problem().contains("not a regular file"), loaded.problem());
    }

    @Test
    void unknownFieldsAreIgnoredForALaterVersionsSake() throws IOException {
        RememberedState.Loaded loaded = loadText("{\"nick\": \"ann\", \"theme\": \"dark\", \"rooms\": null}");
        assertNull(loaded.problem());
        assertEquals(new RememberedState("ann", List.of(), List.of(), List.of(), null), loaded.state());
    }

    @Test
    void atMostAHundredRoomsAreKeptEachOnce() throws IOException {
        List<String> rooms = new ArrayList<>();
        rooms.add("r0");
        for (int i = 0; i < 150; i++) {
            rooms.add("r" + i);
        }
        RememberedState state = new RememberedState("ann", rooms, List.of(), List.of(), null);
        assertEquals(RememberedState.MAX_ROOMS, state.rooms().size());
        assertEquals("r0", state.rooms().getFirst());
        assertEquals("r99", state.rooms().getLast());

        StringBuilder json = new StringBuilder("{\"rooms\": [");
        for (int i = 0; i < 1_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"r").append(i).append('"');
        }
        RememberedState.Loaded loaded = loadText(json.append("]}").toString());
        assertNull(loaded.problem());
        assertEquals(RememberedState.MAX_ROOMS, loaded.state().rooms().size());
    }

    @Test
    void anInvalidStateCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new RememberedState("9", List.of(), List.of(), List.of(), null));
        assertThrows(IllegalArgumentException.class,
            () -> new RememberedState(null, List.of("Bad"), List.of(), List.of(), null));
        assertThrows(IllegalArgumentException.class,
            () -> new RememberedState(null, List.of(), List.of("b c"), List.of(), null));
        assertThrows(IllegalArgumentException.class,
            () -> new RememberedState(null, List.of(), List.of(), List.of(new Gateway("host", 0)), null));
        assertThrows(IllegalArgumentException.class,
            () -> new RememberedState(null, List.of(), List.of(), List.of(new Gateway("a b", 1)), null));
        assertThrows(IllegalArgumentException.class,
            () -> new RememberedState(null, List.of(), List.of(), List.of(), "with space"));
    }

    @Test
    void aFileOfTheFirstFormatIsReadWithNoConversationsAndNoToken() throws IOException {
        RememberedState.Loaded loaded = loadText(
            "{\"version\": 1, \"nick\": \"ann\", \"rooms\": [\"general\"], \"gateways\": [\"127.0.0.1:7001\"]}");
        assertNull(loaded.problem());
        assertEquals(new RememberedState("ann", List.of("general"), List.of(), List.of(new Gateway("127.0.0.1", 7001)),
            null), loaded.state());
    }

    @Test
    void aConversationIsKeptOnceWhateverItsCase() {
        RememberedState state = new RememberedState("ann", List.of(), List.of("Bob", "bob", "carol"), List.of(), null);
        assertEquals(List.of("Bob", "carol"), state.conversations());
    }

    @Test
    void theTokenIsASecretThatNoStringShows() {
        assertFalse(STATE.toString().contains(TOKEN), STATE.toString());
        assertTrue(STATE.toString().contains("general") && STATE.toString().contains("bob"), STATE.toString());
    }
}
