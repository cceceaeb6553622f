package chat.chaos;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The history service's database for a chaos run, and what the run compares every client's view with: a schema of its
 * own on the PostgreSQL at {@code CHAT_TEST_POSTGRES_URL} (by default 127.0.0.1:5432, database {@code test}), dropped at
 * the end; or, when none answers, an SQLite file in the run's directory, which the report says.
 */
final class ChaosDatabase implements AutoCloseable {
    private static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** A stored message: its stream (a room, or {@code @a:b} for a conversation), seq, sender, id and text. */
    record Row(String stream, long seq, String sender, String id, String text) {}

    private final String url;
    private final String description;
    private final String base;
    private final String schema;

    private ChaosDatabase(String url, String description, String base, String schema) {
        this.url = url;
        this.description = description;
        this.base = base;
        this.schema = schema;
    }

    static ChaosDatabase open(Path dir) {
        String base = System.getenv().getOrDefault("CHAT_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
        String schema = "chaos_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            return new ChaosDatabase(url, "PostgreSQL (" + base.replaceAll("\\?.*", "") + ", schema " + schema + ")",
                base, schema);
        } catch (SQLException e) {
            String url = "jdbc:sqlite:" + dir.resolve("history.db");
            return new ChaosDatabase(url, "SQLite, since no PostgreSQL answered at " + base.replaceAll("\\?.*", "")
                + " (" + e.getMessage() + ")", null, null);
        }
    }

    String url() {
        return url;
    }

    String description() {
        return description;
    }

    boolean postgres() {
        return schema != null;
    }

    /** Every stored message, by stream and seq. */
    List<Row> messages() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT stream, seq, sender, message_id, body FROM messages ORDER BY stream, seq")) {
            while (r.next()) {
                rows.add(new Row(r.getString(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5)));
            }
        }
        return rows;
    }

    @Override
    public void close() {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop the run's schema " + schema + ": " + e.getMessage());
        }
    }
}
