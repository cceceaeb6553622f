package chat.client.config;

import chat.protocol.Limits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The remembered states in a config directory: one file per nick, {@code nicks/NICK.json} (the nick folded to lower
 * case, as the cluster compares nicks), each a {@link RememberedState}; and {@code state.json}, which names the nick
 * used last, for a start that names none. Clients of different nicks on one machine share the directory: each writes
 * only its own nick's file, and every file is replaced whole or not at all, so two clients saving at the same moment
 * cannot mix their states; {@code state.json} then names whichever saved last.
 *
 * <p>A {@code state.json} of format version 1, from before each nick had a file, held one nick's whole state: it is
 * moved to that nick's file (unless the nick has one already) and becomes the name of the last nick.
 *
 * <p>Thread-safe: it holds nothing but the directory's path, and each file is replaced in one move.
 */
public final class StateStore {
    /** The file naming the nick used last. */
    public static final String LAST_NICK_FILE = ClientConfig.STATE_FILE;
    /** The directory of the nicks' files. */
    public static final String NICKS_DIR = "nicks";
    /** Version of {@code state.json}'s format: version 1 held a whole state, this one only the last nick. */
    static final int LAST_NICK_FORMAT_VERSION = 2;

    private final Path configDir;

    public StateStore(Path configDir) {
        this.configDir = configDir;
    }

    /**
     * What {@link #recall} found: the nick used last (null when none is known), the state of the nick asked for,
     * and why a file was set aside (a sentence to show the user), or null when none was.
     */
    public record Recalled(String lastNick, RememberedState state, String problem) {}

    /** Where the state of {@code nick} is kept. */
    public Path fileOf(String nick) {
        if (!Limits.isValidNick(nick)) {
            throw new IllegalArgumentException("not a nick");
        }
        return configDir.resolve(NICKS_DIR).resolve(Limits.foldNick(nick) + ".json");
    }

    public Path lastNickFile() {
        return configDir.resolve(LAST_NICK_FILE);
    }

    /**
     * The state of {@code nick}, or of the nick used last when {@code nick} is null; {@link RememberedState#EMPTY}
     * when there is none. An old {@code state.json} is moved to its nick's file on the way. Never throws: a file that
     * cannot be read or written is set aside, and the problem says so.
     */
    public Recalled recall(String nick) {
        List<String> problems = new ArrayList<>();
        String lastNick = null;
        RememberedState old = null;
        Path lastFile = lastNickFile();
        if (Files.exists(lastFile, LinkOption.NOFOLLOW_LINKS)) {
            try {
                JsonNode root = StateFiles.readObject(lastFile);
                if (RememberedState.versionOf(root) == LAST_NICK_FORMAT_VERSION) {
                    lastNick = RememberedState.string(root, "nick");
                    if (lastNick != null && !Limits.isValidNick(lastNick)) {
                        throw new IllegalArgumentException("the nick is not a valid nick");
                    }
                } else {
                    old = RememberedState.fromJson(root);
                    lastNick = old.nick();
                }
            } catch (IllegalArgumentException e) {
                problems.add(StateFiles.setAside(lastFile, e.getMessage()));
            }
        }
        if (old != null && old.nick() != null) {
            migrate(old, problems);
        }
        String whose = nick != null ? nick : lastNick;
        RememberedState state = RememberedState.EMPTY;
        if (whose != null) {
            Path file = fileOf(whose);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                // A nick's first start, or an old file that could not be moved and is still this nick's state.
                state = old != null && old.isOf(whose) ? old : RememberedState.EMPTY;
            } else {
                RememberedState.Loaded loaded = RememberedState.load(file);
                state = loaded.state();
                if (loaded.problem() != null) {
                    problems.add(loaded.problem());
                } else if (!state.isOf(whose)) {
                    problems.add(StateFiles.setAside(file, "it is not the state of that nick"));
                    state = RememberedState.EMPTY;
                }
            }
        }
        return new Recalled(lastNick, state, problems.isEmpty() ? null : String.join("; ", problems));
    }

    /**
     * Writes the state to its nick's file, then names the nick as the last one used, each file at once or not at
     * all and readable by the user alone.
     */
    public void save(RememberedState state) throws IOException {
        if (state.nick() == null) {
            throw new IllegalArgumentException("a state without a nick belongs to nobody");
        }
        state.save(fileOf(state.nick()));
        saveLastNick(state.nick());
    }

    private void saveLastNick(String nick) throws IOException {
        ObjectNode root = StateFiles.JSON.createObjectNode();
        root.put("version", LAST_NICK_FORMAT_VERSION);
        root.put("nick", nick);
        StateFiles.writeAtomically(lastNickFile(), root);
    }

    /**
     * Moves a version 1 {@code state.json} to its nick's file, unless that nick saved a file of its own since, and
     * leaves {@code state.json} naming the nick. Two clients starting at once may both move it: each writes the same.
     */
    private void migrate(RememberedState old, List<String> problems) {
        try {
            Path file = fileOf(old.nick());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                old.save(file);
            }
            saveLastNick(old.nick());
        } catch (IOException e) {
            problems.add("cannot move " + lastNickFile() + " to " + fileOf(old.nick()) + ": " + e.getMessage());
        }
    }
}
