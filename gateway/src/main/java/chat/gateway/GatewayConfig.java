package chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of a gateway, parsed and checked once, from command-line flags first and environment variables
 * second. Nothing else in the gateway reads the environment. Immutable.
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
    int recentIdsPerRoom,
    int recentIdRooms,
    String presenceTopic,
    int framesPerSecond,
    int frameBurst,
    Duration floodCutoff,
    Duration idleTimeout,
    Duration firstLineTimeout,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration shutdownGrace) {

    /** One setting: its flag, its environment variable, its default and what it does. */
    public enum Setting {
        ID("--id", "GATEWAY_ID", null, "name of this gateway, shown to clients in welcome (default gw-PORT)"),
        HOST("--host", "GATEWAY_HOST", "127.0.0.1", "address to listen on"),
        PORT("--port", "GATEWAY_PORT", "7001", "TCP port to listen on (0 picks a free one)"),
        KAFKA("--kafka", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092", "Kafka bootstrap servers, HOST:PORT,..."),
        TOPIC("--topic", "CHAT_TOPIC", "chat.events", "the chat topic"),
        PARTITIONS("--partitions", "CHAT_TOPIC_PARTITIONS", "6", "partitions of the chat topic when the gateway creates it"),
        REPLICATION("--replication", "CHAT_TOPIC_REPLICATION", "1",
            "replication factor of the chat topic when the gateway creates it (3 also sets min.insync.replicas=2)"),
        SEND_TIMEOUT("--send-timeout-ms", "GATEWAY_SEND_TIMEOUT_MS", "15000",
            "how long Kafka may take to accept a message before the client gets error unavailable"),
        OUTBOUND_QUEUE("--outbound-queue", "GATEWAY_OUTBOUND_QUEUE", "4096",
            "frames queued for one client before it is cut off as a slow consumer"),
        RECENT_IDS("--recent-ids-per-room", "GATEWAY_RECENT_IDS_PER_ROOM", "1000",
            "message ids remembered per room to deliver a resent message once"),
        RECENT_ID_ROOMS("--recent-id-rooms", "GATEWAY_RECENT_ID_ROOMS", "10000",
            "rooms whose recent ids are remembered (least recently used rooms are forgotten first)"),
        PRESENCE_TOPIC("--presence-topic", "CHAT_PRESENCE_TOPIC", "chat.presence",
            "the presence topic (nick claims, memberships, gateway heartbeats); one partition"),
        RATE("--rate", "GATEWAY_RATE", "20", "frames per second one connection may send, on average"),
        BURST("--burst", "GATEWAY_BURST", "40", "frames one connection may send at once above its rate"),
        FLOOD_CUTOFF("--flood-cutoff-ms", "GATEWAY_FLOOD_CUTOFF_MS", "10000",
            "how long a connection may keep going over its rate before it is cut off"),
        IDLE_TIMEOUT("--idle-timeout-ms", "GATEWAY_IDLE_TIMEOUT_MS", "60000",
            "a connection that sends no frame for this long is closed (bye idle)"),
        FIRST_LINE_TIMEOUT("--first-line-timeout-ms", "GATEWAY_FIRST_LINE_TIMEOUT_MS", "10000",
            "a new connection must finish its first line within this (bye too slow)"),
        MAX_CONNECTIONS("--max-connections", "GATEWAY_MAX_CONNECTIONS", "10000",
            "connections this gateway holds at most; more get too_many_connections"),
        MAX_CONNECTIONS_PER_ADDRESS("--max-connections-per-address", "GATEWAY_MAX_CONNECTIONS_PER_ADDRESS", "256",
            "connections from one IP address at most; more get too_many_connections");

        final String flag;
        final String env;
        final String defaultValue;
        final String doc;

        Setting(String flag, String env, String defaultValue, String doc) {
            this.flag = flag;
            this.env = env;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }
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
        if (outboundQueueFrames < 8 || recentIdsPerRoom < 1 || recentIdRooms < 1) {
            throw new IllegalArgumentException("outbound queue must be at least 8 frames and recent-id bounds at least 1");
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
        if (presenceTopic.equals(topic)) {
            throw new IllegalArgumentException("the presence topic must not be the chat topic");
        }
    }

    /** Thrown for a flag or value that cannot be used; its message is meant for the person who typed it. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static GatewayConfig parse(String[] args, Map<String, String> env) throws UsageException {
        Map<Setting, String> values = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            String fromEnv = env.get(s.env);
            if (fromEnv != null && !fromEnv.isBlank()) {
                values.put(s, fromEnv.trim());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inlineValue = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            Setting setting = bySetting(arg);
            if (setting == null) {
                throw new UsageException("unknown option " + arg);
            }
            String value = inlineValue;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            }
            values.put(setting, value);
        }
        try {
            int port = intValue(values, Setting.PORT);
            String id = values.getOrDefault(Setting.ID, "gw-" + port);
            return new GatewayConfig(
                id,
                value(values, Setting.HOST),
                port,
                value(values, Setting.KAFKA),
                value(values, Setting.TOPIC),
                intValue(values, Setting.PARTITIONS),
                (short) intValue(values, Setting.REPLICATION),
                Duration.ofMillis(intValue(values, Setting.SEND_TIMEOUT)),
                intValue(values, Setting.OUTBOUND_QUEUE),
                intValue(values, Setting.RECENT_IDS),
                intValue(values, Setting.RECENT_ID_ROOMS),
                value(values, Setting.PRESENCE_TOPIC),
                intValue(values, Setting.RATE),
                intValue(values, Setting.BURST),
                Duration.ofMillis(intValue(values, Setting.FLOOD_CUTOFF)),
                Duration.ofMillis(intValue(values, Setting.IDLE_TIMEOUT)),
                Duration.ofMillis(intValue(values, Setting.FIRST_LINE_TIMEOUT)),
                intValue(values, Setting.MAX_CONNECTIONS),
                intValue(values, Setting.MAX_CONNECTIONS_PER_ADDRESS),
                Duration.ofSeconds(4));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    public static String usage() {
        StringBuilder out = new StringBuilder("""
            usage: java -jar gateway.jar [OPTION VALUE]...

            A chat gateway: clients speak newline-delimited JSON to it over TCP (docs/PROTOCOL.md);
            it writes what they say to Kafka and delivers what Kafka holds to its clients.
            Every option can also be set by the environment variable named beside it; a flag wins.

            """);
        List<String> rows = new ArrayList<>();
        for (Setting s : Setting.values()) {
            rows.add(String.format("  %-24s %-28s %s%s%n", s.flag + " VALUE", s.env, s.doc,
                s.defaultValue == null ? "" : " [" + s.defaultValue + "]"));
        }
        rows.forEach(out::append);
        out.append(String.format("  %-24s %-28s %s%n", "--help", "", "print this and exit"));
        return out.toString();
    }

    private static Setting bySetting(String flag) {
        for (Setting s : Setting.values()) {
            if (s.flag.equals(flag)) {
                return s;
            }
        }
        return null;
    }

    private static String value(Map<Setting, String> values, Setting s) {
        return values.getOrDefault(s, s.defaultValue);
    }

    private static int intValue(Map<Setting, String> values, Setting s) {
        String raw = value(values, s);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.flag + " (" + s.env + ") must be a whole number, not '" + raw + "'");
        }
    }
}
