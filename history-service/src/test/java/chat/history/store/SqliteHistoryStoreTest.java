package chat.history.store;

import chat.testkit.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteHistoryStoreTest extends HistoryStoreContract {
    @TempDir
    Path dir;

    @Override
    String freshDatabaseUrl() {
        return TestDatabase.sqliteUrl(dir);
    }
}
