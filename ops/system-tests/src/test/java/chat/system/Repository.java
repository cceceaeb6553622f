package chat.system;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are, for the tests that read them or run its scripts. */
final class Repository {
    private Repository() {}

    /** The repository root: the nearest directory, from the working directory up, that holds ops/chat. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ops/chat")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("no ops/chat in " + Path.of("").toAbsolutePath() + " or above");
    }
}
