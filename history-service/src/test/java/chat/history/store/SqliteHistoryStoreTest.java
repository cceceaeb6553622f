package chat.history.store;

import chat.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteHistoryStoreTest extends HistoryStoreContract {
    @TempDir
    Path dir;
    private int databases;

    @Override
    String freshDatabaseUrl() {
        Path own = dir.resolve("db" + databases++);
        try {
            Files.createDirectories(own);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestDatabase.sqliteUrl(own);
    }
}
