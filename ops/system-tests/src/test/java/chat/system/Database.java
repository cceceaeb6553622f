package chat.system;

import chat.testkit.TestDatabase;
import java.nio.file.Path;

/** The two databases the history service runs on; every system test runs on both. */
enum Database {
    SQLITE, POSTGRESQL;

    /** A fresh, empty database (for PostgreSQL, a schema of its own) for one test. */
    String freshUrl(Path dir) {
        return this == SQLITE ? TestDatabase.sqliteUrl(dir) : TestDatabase.freshPostgresUrl();
    }
}
