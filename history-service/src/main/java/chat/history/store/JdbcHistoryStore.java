package chat.history.store;

import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The {@link HistoryStore} on a JDBC database: SQLite (a file, in WAL mode) or PostgreSQL, with one set of SQL that
 * both understand. The schema is created and upgraded by Flyway's versioned migrations ({@code db/migration}) when
 * the store opens. Thread-safe: every call takes a connection of its own from the pool.
 */
public final class JdbcHistoryStore implements HistoryStore {
    private static final String INSERT_MESSAGE = """
        INSERT INTO messages (stream, seq, sender, sender_key, recipient, message_id, body, ts, sender_account,
            recipient_account, recipient_key, partition_id, waiting)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String ADVANCE_MARK = """
        INSERT INTO waiting_delivered (account, stream, through_seq) VALUES (?, ?, ?)
        ON CONFLICT (account, stream) DO UPDATE SET through_seq = excluded.through_seq
        WHERE excluded.through_seq > waiting_delivered.through_seq""";
    /** A conversation's rows in which the asking nick's side (folded) names the asking account. */
    private static final String OWN_SIDE = """
        stream = ? AND ((sender_key = ? AND sender_account = ?) OR (recipient_key = ? AND recipient_account = ?))""";
    /** Waiting rows to an account that no mark of their conversation covers. */
    private static final String WAITING = """
        recipient_account = ? AND waiting = 1 AND NOT EXISTS (SELECT 1 FROM waiting_delivered d
            WHERE d.account = messages.recipient_account AND d.stream = messages.stream AND d.through_seq >= messages.seq)""";
    private static final String ADVANCE_POSITION = """
        INSERT INTO ingest_positions (topic, partition_id, next_offset) VALUES (?, ?, ?)
        ON CONFLICT (topic, partition_id) DO UPDATE SET next_offset = excluded.next_offset
        WHERE excluded.next_offset > ingest_positions.next_offset""";
    private static final String COLUMNS = "stream, seq, sender, recipient, message_id, body, ts";

    private final HikariDataSource pool;

    private JdbcHistoryStore(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the database at {@code url} ({@code jdbc:sqlite:PATH} or {@code jdbc:postgresql://...}) and brings its
     * schema up to date. {@code readers} connections serve queries; one more serves the ingest.
     */
    public static JdbcHistoryStore open(String url, String user, String password, int readers) throws StoreException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("history-db");
        // Migrating PostgreSQL, Flyway holds three connections at once (its lock among them): fewer would stall it.
        config.setMaximumPoolSize(Math.max(readers + 1, 3));
        config.setConnectionTimeout(5_000);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        if (url.startsWith("jdbc:sqlite:")) {
            createParentDirectory(url);
            // WAL lets queries read while the ingest writes; NORMAL syncs at checkpoints, which survives any crash of
            // the process, and the positions stored with the rows keep the log and the read offsets in step.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL");
            config.addDataSourceProperty("busy_timeout", "10000");
        } else if (url.startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        } else {
            throw new IllegalArgumentException("the database URL must start with jdbc:sqlite: or jdbc:postgresql:");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to " + withoutSecrets(url) + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot migrate the schema of " + withoutSecrets(url) + ": " + e.getMessage(), e);
        }
        return new JdbcHistoryStore(pool);
    }

    @Override
    public void append(String topic, Iterable<StoredMessage> messages, Iterable<DeliveryMark> marks,
                       Map<Integer, Long> nextOffsets) throws StoreException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(INSERT_MESSAGE);
                 PreparedStatement mark = c.prepareStatement(ADVANCE_MARK);
                 PreparedStatement advance = c.prepareStatement(ADVANCE_POSITION)) {
                for (StoredMessage m : messages) {
                    insert.setString(1, m.stream());
                    insert.setLong(2, m.seq());
                    insert.setString(3, m.sender());
                    insert.setString(4, m.key().sender());
                    insert.setString(5, m.recipient());
                    insert.setString(6, m.id());
                    insert.setString(7, m.text());
                    insert.setString(8, m.ts());
                    insert.setString(9, m.senderAccount());
                    insert.setString(10, m.recipientAccount());
                    insert.setString(11, m.recipientKey());
                    insert.setInt(12, m.partition());
                    insert.setInt(13, m.waiting() ? 1 : 0);
                    insert.addBatch();
                }
                insert.executeBatch();
                for (DeliveryMark m : marks) {
                    mark.setString(1, m.account());
                    mark.setString(2, m.stream());
                    mark.setLong(3, m.through());
                    mark.addBatch();
                }
                mark.executeBatch();
                for (Map.Entry<Integer, Long> position : nextOffsets.entrySet()) {
                    advance.setString(1, topic);
                    advance.setInt(2, position.getKey());
                    advance.setLong(3, position.getValue());
                    advance.addBatch();
                }
                advance.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("could not store " + nextOffsets.size() + " partitions' messages: " + e.getMessage(), e);
        }
    }

    @Override
    public long nextOffset(String topic, int partition) throws StoreException {
        Long offset = nextOffsets(topic).get(partition);
        return offset == null ? 0 : offset;
    }

    @Override
    public Map<Integer, Long> nextOffsets(String topic) throws StoreException {
        try (Connection c = pool.getConnection();
             PreparedStatement query = c.prepareStatement(
                 "SELECT partition_id, next_offset FROM ingest_positions WHERE topic = ?")) {
            query.setString(1, topic);
            Map<Integer, Long> out = new HashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.put(rows.getInt(1), rows.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("could not read the ingest positions: " + e.getMessage(), e);
        }
    }

    @Override
    public HistoryPage read(String stream, Long after, Long before, int limit) throws StoreException {
        return readPage("stream = ?", List.of(stream), after, before, limit, stream);
    }

    @Override
    public HistoryPage readConversation(String conversation, String nick, String account, Long after, Long before,
                                        int limit) throws StoreException {
        String key = Limits.foldNick(nick);
        return readPage(OWN_SIDE, List.of(conversation, key, account, key, account), after, before, limit,
            conversation);
    }

    /** A page of the rows that {@code where} selects, as {@link #read} describes it. */
    private HistoryPage readPage(String where, List<String> whereValues, Long after, Long before, int limit, String what)
        throws StoreException {
        boolean forward = after != null;
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM messages WHERE " + where);
        if (forward) {
            sql.append(" AND seq > ?");
        }
        if (before != null) {
            sql.append(" AND seq < ?");
        }
        sql.append(forward ? " ORDER BY seq ASC" : " ORDER BY seq DESC").append(" LIMIT ?");
        try (Connection c = pool.getConnection(); PreparedStatement query = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String value : whereValues) {
                query.setString(i++, value);
            }
            if (forward) {
                query.setLong(i++, after);
            }
            if (before != null) {
                query.setLong(i++, before);
            }
            query.setInt(i, limit + 1);
            return page(query, limit, false, !forward);
        } catch (SQLException e) {
            throw new StoreException("could not read the history of " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public HistoryPage waiting(String account, long[] positions, WaitingCursor after, int limit) throws StoreException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM messages WHERE " + WAITING);
        if (after != null) {
            sql.append(" AND (stream > ? OR (stream = ? AND seq > ?))");
        }
        // Each row's bound is the position of the partition it was read from; rows of other partitions have none.
        sql.append(" AND seq < CASE partition_id");
        for (int partition = 0; partition < positions.length; partition++) {
            sql.append(" WHEN ").append(partition).append(" THEN CAST(? AS BIGINT)");
        }
        sql.append(" ELSE 0 END ORDER BY stream ASC, seq ASC LIMIT ?");
        try (Connection c = pool.getConnection(); PreparedStatement query = c.prepareStatement(sql.toString())) {
            int i = 1;
            query.setString(i++, account);
            if (after != null) {
                query.setString(i++, after.stream());
                query.setString(i++, after.stream());
                query.setLong(i++, after.seq());
            }
            for (long position : positions) {
                query.setLong(i++, position);
            }
            query.setInt(i, limit + 1);
            return page(query, limit, true, false);
        } catch (SQLException e) {
            throw new StoreException("could not read the waiting messages: " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query of {@link #COLUMNS} for up to {@code limit} + 1 rows, the one past the limit telling whether there
     * are more, as the frames a client sees, oldest first ({@code newestFirst} says the rows come the other way).
     */
    private static HistoryPage page(PreparedStatement query, int limit, boolean waiting, boolean newestFirst)
        throws SQLException {
        List<ServerFrame> messages = new ArrayList<>(Math.min(limit + 1, 512));
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String stream = rows.getString(1);
                long seq = rows.getLong(2);
                String sender = rows.getString(3);
                String recipient = rows.getString(4);
                String id = rows.getString(5);
                String text = rows.getString(6);
                String ts = rows.getString(7);
                messages.add(recipient == null
                    ? new ServerFrame.Message(stream, sender, text, id, seq, ts)
                    : new ServerFrame.Dm(sender, recipient, text, id, seq, ts, waiting));
            }
        }
        boolean more = messages.size() > limit;
        if (more) {
            messages.removeLast();
        }
        if (newestFirst) {
            Collections.reverse(messages);
        }
        return new HistoryPage(messages, more);
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void createParentDirectory(String url) {
        String file = url.substring("jdbc:sqlite:".length());
        int params = file.indexOf('?');
        if (params >= 0) {
            file = file.substring(0, params);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the database " + file, e);
        }
    }

    /** The URL as it may be logged: without its query string, where a password may hide. */
    static String withoutSecrets(String url) {
        int params = url.indexOf('?');
        return params < 0 ? url : url.substring(0, params) + "?…";
    }
}
