package chat.history;

import chat.admin.AdminServer;
import chat.history.ingest.Ingest;
import chat.settings.Secret;
import chat.settings.SettingList;
import chat.settings.SettingSpec;
import chat.settings.SettingValues;
import chat.settings.UsageException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Every setting of the history service, parsed and checked once, from command-line flags first and environment
 * variables second. Nothing else in the service reads the environment. Immutable.
 */
public record HistoryConfig(
    String kafkaBootstrapServers,
    String topic,
    String group,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int dbReaders,
    String host,
    int port,
    int batchMessages,
    String adminHost,
    int adminPort,
    Secret apiSecret) {

    /** The history service's settings: each one's flag, environment variable, default and what it does. */
    public static final class Setting {
        /** All of them, in the order of {@code --help}. */
        public static final SettingList ALL = new SettingList();
        public static final SettingSpec KAFKA = ALL.option("--kafka", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092",
            "Kafka bootstrap servers, HOST:PORT,...");
        public static final SettingSpec TOPIC = ALL.option("--topic", "CHAT_TOPIC", "chat.events",
            "the chat topic to read");
        public static final SettingSpec GROUP = ALL.option("--group", "HISTORY_GROUP", "chat-history",
            "Kafka consumer group; instances in one group share the topic's partitions");
        public static final SettingSpec DB_URL = ALL.option("--db-url", "HISTORY_DB_URL", "jdbc:sqlite:data/history.db",
            "the database: jdbc:sqlite:FILE, or jdbc:postgresql://HOST:PORT/DB for several instances; a new, empty one"
                + " fills itself with every message the topic still holds");
        public static final SettingSpec DB_USER = ALL.option("--db-user", "HISTORY_DB_USER", null,
            "database user (PostgreSQL)");
        public static final SettingSpec DB_PASSWORD = ALL.option("--db-password", "HISTORY_DB_PASSWORD", null,
            "database password (PostgreSQL; prefer the variable)");
        public static final SettingSpec DB_READERS = ALL.option("--db-readers", "HISTORY_DB_READERS", "8",
            "database connections that serve queries");
        public static final SettingSpec HOST = ALL.option("--host", "HISTORY_HOST", "127.0.0.1",
            "address of the HTTP query API");
        public static final SettingSpec PORT = ALL.option("--port", "HISTORY_PORT", "7100",
            "port of the HTTP query API (0 picks a free one)");
        public static final SettingSpec BATCH = ALL.option("--batch", "HISTORY_BATCH", "5000",
            "most messages written in one database transaction");
        public static final SettingSpec ADMIN_HOST = ALL.option("--admin-host", "HISTORY_ADMIN_HOST", null,
            "address of the admin port, GET /health and GET /metrics (default: --host)");
        public static final SettingSpec ADMIN_PORT = ALL.option("--admin-port", "HISTORY_ADMIN_PORT", null,
            "the admin port (default: --port plus 1000, so 8100 for 7100; 0 picks a free one, as does --port 0)");
        public static final SettingSpec API_SECRET_FILE = ALL.option("--api-secret-file", "HISTORY_API_SECRET_FILE",
            null,
            "file holding the secret every query must present (Authorization: Bearer); needed unless --host is loopback");
        public static final SettingSpec API_SECRET = ALL.option("--api-secret", "HISTORY_API_SECRET", null,
            "the secret itself, instead of the file (prefer the file or the variable: a flag shows in ps)");

        private Setting() {}
    }

    public HistoryConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535");
        }
        if (!dbUrl.startsWith("jdbc:sqlite:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the database URL must start with jdbc:sqlite: or jdbc:postgresql:");
        }
        if (adminPort < 0 || adminPort > 65_535 || (adminPort == port && port != 0)) {
            throw new IllegalArgumentException("the admin port must be 0 to 65535 and not the query API's port");
        }
        if (dbReaders < 1 || batchMessages < 1) {
            throw new IllegalArgumentException("db readers and batch must be at least 1");
        }
        if (group.isBlank() || topic.isBlank()) {
            throw new IllegalArgumentException("topic and group must not be empty");
        }
        if (apiSecret == null && !isLoopback(host)) {
            throw new IllegalArgumentException("the query API on " + host + " would serve every conversation to anyone"
                + " who reaches it: give it a secret (--api-secret-file, HISTORY_API_SECRET_FILE), or listen on loopback");
        }
    }

    /**
     * Whether only this machine can reach {@code host}. The one place a history service may go without a secret: a
     * local stack, where whoever can connect can read the database file as well.
     */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static HistoryConfig parse(String[] args, Map<String, String> env) throws UsageException {
        SettingValues values = SettingValues.parse(Setting.ALL, args, env);
        try {
            int port = values.integer(Setting.PORT);
            return new HistoryConfig(
                values.text(Setting.KAFKA),
                values.text(Setting.TOPIC),
                values.text(Setting.GROUP),
                values.text(Setting.DB_URL),
                values.text(Setting.DB_USER),
                values.text(Setting.DB_PASSWORD),
                values.integer(Setting.DB_READERS),
                values.text(Setting.HOST),
                port,
                values.integer(Setting.BATCH),
                values.isGiven(Setting.ADMIN_HOST) ? values.text(Setting.ADMIN_HOST) : values.text(Setting.HOST),
                values.isGiven(Setting.ADMIN_PORT) ? values.integer(Setting.ADMIN_PORT) : AdminServer.portBeside(port),
                values.secret(Setting.API_SECRET_FILE, Setting.API_SECRET));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    public static String usage() {
        return SettingValues.usage(Setting.ALL, """
            usage: java -jar history-service.jar [OPTION VALUE]...

            The history service: reads the chat topic, keeps every message in a database, and answers
            queries for it over HTTP (docs/PROTOCOL.md). Every option can also be set by the environment
            variable named beside it; a flag wins.

            """);
    }

    /** What the ingest reads, and how much a transaction takes. */
    public Ingest.Source ingestSource() {
        return new Ingest.Source(kafkaBootstrapServers, topic, group, batchMessages);
    }

    /** The settings as they may be logged: the database URL without its query string, no password, no secret. */
    @Override
    public String toString() {
        int params = dbUrl.indexOf('?');
        return "HistoryConfig[kafka=" + kafkaBootstrapServers + ", topic=" + topic + ", group=" + group + ", db="
            + (params < 0 ? dbUrl : dbUrl.substring(0, params)) + ", http=" + host + ":" + port + "]";
    }
}
