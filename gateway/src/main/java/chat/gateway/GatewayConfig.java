package chat.gateway;

import chat.admin.AdminServer;
import chat.gateway.auth.TokenSettings;
import chat.protocol.Limits;
import chat.settings.Secret;
import chat.settings.SettingList;
import chat.settings.SettingSpec;
import chat.settings.SettingValues;
import chat.settings.UsageException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Every setting of a gateway, parsed and checked once, from command-line flags first and environment variables
 * second. Nothing else in the gateway reads the environment. Immutable.
 *
 * <p>TLS is on when {@code tlsCert} and {@code tlsKey} are given (null both otherwise): the gateway then listens on
 * {@code tlsPort} too ({@code tlsPort} is 0 and means nothing otherwise). {@code historySecret} is null when the history
 * service asks for none.
 */
public record GatewayConfig(
    String gatewayId,
    String host,
    int port,
    String kafkaBootstrapServers,
    String topic,
    int topicPartitions,
    short topicReplication,
    Duration sendTimeout,
    int outboundQueueFrames,
    int recentIds,
    int announceLimit,
    String presenceTopic,
    int presenceSnapshotEvery,
    int framesPerSecond,
    int frameBurst,
    Duration floodCutoff,
    Duration idleTimeout,
    Duration firstLineTimeout,
    int maxConnections,
    int maxConnectionsPerAddress,
    URI historyUrl,
    Duration historyTimeout,
    String adminHost,
    int adminPort,
    Duration shutdownGrace,
    TokenSettings tokens,
    boolean guestsAllowed,
    Path tlsCert,
    Path tlsKey,
    int tlsPort,
    Secret historySecret) {

    /** The gateway's settings: each one's flag, environment variable, default and what it does. */
    public static final class Setting {
        /** All of them, in the order of {@code --help}. */
        public static final SettingList ALL = new SettingList();
        public static final SettingSpec ID = ALL.option("--id", "GATEWAY_ID", null,
            "name of this gateway, shown to clients in welcome (default gw-PORT)");
        public static final SettingSpec HOST = ALL.option("--host", "GATEWAY_HOST", "127.0.0.1",
            "address to listen on");
        public static final SettingSpec PORT = ALL.option("--port", "GATEWAY_PORT", "7001",
            "TCP port to listen on (0 picks a free one)");
        public static final SettingSpec KAFKA = ALL.option("--kafka", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092",
            "Kafka bootstrap servers, HOST:PORT,...");
        public static final SettingSpec TOPIC = ALL.option("--topic", "CHAT_TOPIC", "chat.events", "the chat topic");
        public static final SettingSpec PARTITIONS = ALL.option("--partitions", "CHAT_TOPIC_PARTITIONS", "6",
            "partitions of the chat topic when the gateway creates it");
        public static final SettingSpec REPLICATION = ALL.option("--replication", "CHAT_TOPIC_REPLICATION", "1",
            "replication factor of the chat topic when the gateway creates it (3 also sets min.insync.replicas=2)");
        public static final SettingSpec SEND_TIMEOUT = ALL.option("--send-timeout-ms", "GATEWAY_SEND_TIMEOUT_MS",
            "15000", "how long Kafka may take to accept a message before the client gets error unavailable");
        public static final SettingSpec OUTBOUND_QUEUE = ALL.option("--outbound-queue", "GATEWAY_OUTBOUND_QUEUE",
            "4096", "frames queued for one client before it is cut off as a slow consumer");
        public static final SettingSpec RECENT_IDS = ALL.option("--recent-ids", "GATEWAY_RECENT_IDS", "100000",
            "message ids remembered, the newest of all rooms and conversations, to deliver a resent message once");
        public static final SettingSpec ANNOUNCE_LIMIT = ALL.option("--announce-limit", "GATEWAY_ANNOUNCE_LIMIT", "200",
            "a room of more members than this is quiet: its joins and leaves are not announced (presence) until it is"
                + " back to half of this; at most " + Limits.MEMBERS_PAGE);
        public static final SettingSpec PRESENCE_TOPIC = ALL.option("--presence-topic", "CHAT_PRESENCE_TOPIC",
            "chat.presence", "the presence topic (nick claims, memberships, gateway heartbeats); one partition");
        public static final SettingSpec PRESENCE_SNAPSHOT_EVERY = ALL.option("--presence-snapshot-every",
            "CHAT_PRESENCE_SNAPSHOT_EVERY", "10000",
            "presence records between two snapshots of the presence state, which a starting gateway restores and"
                + " replays only what follows (written by the cluster's eldest gateway)");
        public static final SettingSpec RATE = ALL.option("--rate", "GATEWAY_RATE",
            String.valueOf(Limits.DEFAULT_FRAMES_PER_SECOND), "frames per second one connection may send, on average");
        public static final SettingSpec BURST = ALL.option("--burst", "GATEWAY_BURST",
            String.valueOf(Limits.DEFAULT_FRAME_BURST), "frames one connection may send at once above its rate");
        public static final SettingSpec FLOOD_CUTOFF = ALL.option("--flood-cutoff-ms", "GATEWAY_FLOOD_CUTOFF_MS",
            "10000", "how long a connection may keep going over its rate before it is cut off");
        public static final SettingSpec IDLE_TIMEOUT = ALL.option("--idle-timeout-ms", "GATEWAY_IDLE_TIMEOUT_MS",
            "60000", "a connection that sends no frame for this long is closed (bye idle)");
        public static final SettingSpec FIRST_LINE_TIMEOUT = ALL.option("--first-line-timeout-ms",
            "GATEWAY_FIRST_LINE_TIMEOUT_MS", "10000",
            "a new connection must finish its first line within this (bye too slow)");
        public static final SettingSpec MAX_CONNECTIONS = ALL.option("--max-connections", "GATEWAY_MAX_CONNECTIONS",
            "10000", "connections this gateway holds at most; more get too_many_connections");
        public static final SettingSpec MAX_CONNECTIONS_PER_ADDRESS = ALL.option("--max-connections-per-address",
            "GATEWAY_MAX_CONNECTIONS_PER_ADDRESS", "256",
            "connections from one IP address at most; more get too_many_connections");
        public static final SettingSpec HISTORY_URL = ALL.option("--history-url", "CHAT_HISTORY_URL",
            "http://127.0.0.1:7100",
            "base URL of the history service, asked for a room's messages on join and for older pages");
        public static final SettingSpec HISTORY_TIMEOUT = ALL.option("--history-timeout-ms",
            "GATEWAY_HISTORY_TIMEOUT_MS", "5000",
            "how long the history service may take to answer before the client gets history unavailable");
        public static final SettingSpec ADMIN_HOST = ALL.option("--admin-host", "GATEWAY_ADMIN_HOST", null,
            "address of the admin port, GET /health and GET /metrics (default: the gateway's --host)");
        public static final SettingSpec ADMIN_PORT = ALL.option("--admin-port", "GATEWAY_ADMIN_PORT", null,
            "the admin port (default: --port plus 1000, so 8001 for 7001; 0 picks a free one, as does --port 0)");
        public static final SettingSpec JWT_HMAC_SECRET_FILE = ALL.option("--jwt-hmac-secret-file",
            "GATEWAY_JWT_HMAC_SECRET_FILE", null,
            "file holding the secret (32 bytes or more) of HMAC-signed single sign-on tokens; one key source at most");
        public static final SettingSpec JWT_PUBLIC_KEY = ALL.option("--jwt-public-key", "GATEWAY_JWT_PUBLIC_KEY", null,
            "PEM file of the RSA or EC public key (or certificate) that verifies single sign-on tokens");
        public static final SettingSpec JWT_JWKS = ALL.option("--jwt-jwks", "GATEWAY_JWT_JWKS", null,
            "JWKS file (JSON) of the RSA and EC public keys that verify single sign-on tokens");
        public static final SettingSpec JWT_ISSUER = ALL.option("--jwt-issuer", "GATEWAY_JWT_ISSUER", null,
            "the iss a single sign-on token must carry (default: any)");
        public static final SettingSpec JWT_AUDIENCE = ALL.option("--jwt-audience", "GATEWAY_JWT_AUDIENCE", null,
            "an aud a single sign-on token must carry (default: any)");
        public static final SettingSpec GUESTS = ALL.option("--guests", "GATEWAY_GUESTS", "true",
            "whether a client may hold an unregistered nick without signing in (false: accounts only)");
        public static final SettingSpec TLS_CERT = ALL.option("--tls-cert", "GATEWAY_TLS_CERT", null,
            "PEM file of the certificate chain served on the TLS port, the gateway's own first (with --tls-key, TLS is on)");
        public static final SettingSpec TLS_KEY = ALL.option("--tls-key", "GATEWAY_TLS_KEY", null,
            "PEM file of the chain's private key: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted (readable by this user only)");
        public static final SettingSpec TLS_PORT = ALL.option("--tls-port", "GATEWAY_TLS_PORT", null,
            "the TLS port (default: --port plus 2000, so 9001 for 7001; 0 picks a free one, as does --port 0)");
        public static final SettingSpec HISTORY_SECRET_FILE = ALL.option("--history-secret-file",
            "CHAT_HISTORY_SECRET_FILE", null,
            "file holding the history service's secret, presented on every query (Authorization: Bearer)");
        public static final SettingSpec HISTORY_SECRET = ALL.option("--history-secret", "CHAT_HISTORY_SECRET", null,
            "the history service's secret itself, instead of the file (prefer the file or the variable: a flag shows in ps)");

        private Setting() {}
    }

    public GatewayConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535");
        }
        if (topicPartitions < 1 || topicReplication < 1) {
            throw new IllegalArgumentException("partitions and replication must be at least 1");
        }
        if (sendTimeout.toMillis() < 1_000) {
            throw new IllegalArgumentException("send timeout must be at least 1000 ms");
        }
        if (outboundQueueFrames < 8 || recentIds < 1) {
            throw new IllegalArgumentException("outbound queue must be at least 8 frames and recent ids at least 1");
        }
        if (announceLimit < 0 || announceLimit > Limits.MEMBERS_PAGE) {
            // An announced room's joined lists it whole, in one page.
            throw new IllegalArgumentException("the announce limit must be 0 to " + Limits.MEMBERS_PAGE);
        }
        if (framesPerSecond < 1 || frameBurst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        if (floodCutoff.isNegative() || idleTimeout.toMillis() < 100 || firstLineTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("flood cut-off must be 0 or more, idle and first-line timeouts at least 100 ms");
        }
        if (maxConnections < 1 || maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (historyTimeout.toMillis() < 100 || !("http".equals(historyUrl.getScheme()) || "https".equals(historyUrl.getScheme()))) {
            throw new IllegalArgumentException("the history URL must be http(s) and its timeout at least 100 ms");
        }
        if (adminPort < 0 || adminPort > 65_535 || (adminPort == port && port != 0)) {
            throw new IllegalArgumentException("the admin port must be 0 to 65535 and not the gateway's port");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
        }
        if (tlsPort < 0 || tlsPort > 65_535 || (tlsPort != 0 && (tlsPort == port || tlsPort == adminPort))) {
            throw new IllegalArgumentException("the TLS port must be 0 to 65535 and neither the gateway's nor the admin port");
        }
        if (presenceTopic.equals(topic) || PresenceSnapshots.topicOf(presenceTopic).equals(topic)) {
            throw new IllegalArgumentException("the presence topic and its snapshots' must not be the chat topic");
        }
        if (presenceSnapshotEvery < 1) {
            throw new IllegalArgumentException("presence snapshots are written every 1 record or more");
        }
    }

    public static GatewayConfig parse(String[] args, Map<String, String> env) throws UsageException {
        SettingValues values = SettingValues.parse(Setting.ALL, args, env);
        try {
            int port = values.integer(Setting.PORT);
            return new GatewayConfig(
                values.isGiven(Setting.ID) ? values.text(Setting.ID) : "gw-" + port,
                values.text(Setting.HOST),
                port,
                values.text(Setting.KAFKA),
                values.text(Setting.TOPIC),
                values.integer(Setting.PARTITIONS),
                (short) values.integer(Setting.REPLICATION),
                values.millis(Setting.SEND_TIMEOUT),
                values.integer(Setting.OUTBOUND_QUEUE),
                values.integer(Setting.RECENT_IDS),
                values.integer(Setting.ANNOUNCE_LIMIT),
                values.text(Setting.PRESENCE_TOPIC),
                values.integer(Setting.PRESENCE_SNAPSHOT_EVERY),
                values.integer(Setting.RATE),
                values.integer(Setting.BURST),
                values.millis(Setting.FLOOD_CUTOFF),
                values.millis(Setting.IDLE_TIMEOUT),
                values.millis(Setting.FIRST_LINE_TIMEOUT),
                values.integer(Setting.MAX_CONNECTIONS),
                values.integer(Setting.MAX_CONNECTIONS_PER_ADDRESS),
                values.url(Setting.HISTORY_URL),
                values.millis(Setting.HISTORY_TIMEOUT),
                values.isGiven(Setting.ADMIN_HOST) ? values.text(Setting.ADMIN_HOST) : values.text(Setting.HOST),
                values.isGiven(Setting.ADMIN_PORT) ? values.integer(Setting.ADMIN_PORT) : AdminServer.portBeside(port),
                Duration.ofSeconds(4),
                new TokenSettings(path(values, Setting.JWT_HMAC_SECRET_FILE), path(values, Setting.JWT_PUBLIC_KEY),
                    path(values, Setting.JWT_JWKS), values.text(Setting.JWT_ISSUER), values.text(Setting.JWT_AUDIENCE)),
                values.bool(Setting.GUESTS),
                values.isGiven(Setting.TLS_CERT) ? Path.of(values.text(Setting.TLS_CERT)) : null,
                values.isGiven(Setting.TLS_KEY) ? Path.of(values.text(Setting.TLS_KEY)) : null,
                tlsPort(values, port),
                values.secret(Setting.HISTORY_SECRET_FILE, Setting.HISTORY_SECRET));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Path path(SettingValues values, SettingSpec setting) {
        return values.isGiven(setting) ? Path.of(values.text(setting)) : null;
    }

    /** Where the snapshots of the presence state are written: beside the presence topic, named after it. */
    public String presenceSnapshotTopic() {
        return PresenceSnapshots.topicOf(presenceTopic);
    }

    /** Whether the gateway listens with TLS as well. */
    public boolean tls() {
        return tlsCert != null;
    }

    /** The TLS port asked for, else the port 2000 above the gateway's (free, with the gateway's, when that is 0). */
    private static int tlsPort(SettingValues values, int port) {
        boolean tls = values.isGiven(Setting.TLS_CERT) || values.isGiven(Setting.TLS_KEY);
        if (values.isGiven(Setting.TLS_PORT)) {
            if (!tls) {
                throw new IllegalArgumentException("--tls-port needs --tls-cert and --tls-key");
            }
            return values.integer(Setting.TLS_PORT);
        }
        if (port == 0 || !tls) {
            return 0;
        }
        if (port + 2000 > 65_535) {
            throw new IllegalArgumentException("port " + port + " has no TLS port 2000 above it; set --tls-port");
        }
        return port + 2000;
    }

    public static String usage() {
        return SettingValues.usage(Setting.ALL, """
            usage: java -jar gateway.jar [OPTION VALUE]...

            A chat gateway: clients speak newline-delimited JSON to it over TCP (docs/PROTOCOL.md);
            it writes what they say to Kafka and delivers what Kafka holds to its clients.
            Every option can also be set by the environment variable named beside it; a flag wins.

            """);
    }
}
