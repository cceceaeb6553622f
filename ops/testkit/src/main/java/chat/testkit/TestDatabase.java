package chat.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases tests run on: an SQLite file in a test's directory, and a fresh schema of the PostgreSQL at
 * {@code CHAT_TEST_POSTGRES_URL} (by default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). Where no
 * PostgreSQL answers, its tests are skipped with a message that says so, unless {@code CHAT_TEST_POSTGRES=required},
 * which makes them fail instead (CI sets it).
 */
public final class TestDatabase {
    private static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private TestDatabase() {}

    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("history.db");
    }

    /** The URL of an empty schema of its own on the test PostgreSQL; skips (or fails, where required) without one. */
    public static String freshPostgresUrl() {
        String base = setting("CHAT_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "no PostgreSQL at " + base + " (" + e.getMessage() + ")";
            if ("required".equals(setting("CHAT_TEST_POSTGRES", ""))) {
                throw new IllegalStateException(why + ", and CHAT_TEST_POSTGRES=required", e);
            }
            System.out.println("[testkit] SKIPPING PostgreSQL tests: " + why);
            Assumptions.abort("PostgreSQL tests skipped: " + why);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static String setting(String name, String otherwise) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? otherwise : value.trim();
    }
}
