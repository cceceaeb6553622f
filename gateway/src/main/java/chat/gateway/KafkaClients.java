package chat.gateway;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The gateway's Kafka producers and consumers, configured in one place; public for the failover bench, which measures
 * them. Thread-safe: it holds nothing.
 */
public final class KafkaClients {
    /**
     * How long a client waits for a broker's answer before it closes the connection and asks the cluster again where
     * the partition is led: what a broker that stops answering without closing its sockets (frozen, or behind a dead
     * link) costs. A fetch is answered within 500 ms when there is nothing to read, and a write at acks=all within
     * the second a dead follower takes to be fenced, so a live broker is not given up on.
     */
    static final int REQUEST_TIMEOUT_MS = 2_000;

    private KafkaClients() {}

    /**
     * How every client of the gateway, and the history service's consumer likewise, notices that a broker died or
     * stopped answering and moves to the partition's new leader; docs/ARCHITECTURE.md, "When a broker dies", says why
     * each value. Kafka's defaults back off up to a second between attempts and wait 10 s for a connection, 30 s for an
     * answer: longer than the whole failover of the brokers (ops/local-kafka FailureDetection).
     */
    public static Map<String, Object> failoverSettings() {
        return Map.of(
            CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS,
            // A dead leader refuses connections until the controller fences it (a second or more); retrying every
            // 250 ms at most finds the new leader within a quarter of a second of its election.
            CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250L,
            CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 250L,
            // A dead host's address may swallow the connection attempt instead of refusing it (a stopped container).
            CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000L,
            CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 3_000L);
    }

    /**
     * A producer that acks from all in-sync replicas, idempotent, with no linger (latency first; batches still form
     * while requests are in flight), giving up on a record after the send timeout.
     */
    static KafkaProducer<byte[], byte[]> producer(GatewayConfig config, String role, String compression) {
        return new KafkaProducer<>(producerProperties(config, role, compression));
    }

    /**
     * The producer of presence snapshots: as {@link #producer}, uncompressed (a snapshot is compressed already), and
     * taking a record as large as the snapshot topic does. Its buffer holds two, so one being sent never stops the next.
     */
    static KafkaProducer<byte[], byte[]> snapshotProducer(GatewayConfig config) {
        Properties p = producerProperties(config, "snapshots", "none");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PresenceSnapshots.MAX_RECORD_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * PresenceSnapshots.MAX_RECORD_BYTES);
        return new KafkaProducer<>(p);
    }

    /** The settings of {@link #producer}. */
    public static Properties producerProperties(GatewayConfig config, String role, String compression) {
        Properties p = new Properties();
        p.putAll(failoverSettings());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId(config, role));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        long sendTimeoutMs = config.sendTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) sendTimeoutMs);
        // A request that gets no answer is given up in time to send the record again within the send timeout.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(REQUEST_TIMEOUT_MS, sendTimeoutMs / 2));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeoutMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * The settings of a consumer without a group (the caller assigns partitions: every gateway reads everything) that
     * never commits.
     */
    public static Properties consumerProperties(GatewayConfig config, String role, int maxPollRecords) {
        return consumerProperties(config.kafkaBootstrapServers(), clientId(config, role), maxPollRecords);
    }

    /** How the gateway's client of {@code role} names itself to Kafka. */
    static String clientId(GatewayConfig config, String role) {
        return "gateway-" + config.gatewayId() + "-" + role;
    }

    /**
     * A consumer of the presence topic and its snapshots. It reads from where the caller seeks, every record: when
     * that position is no longer in the log, polling throws rather than jump to its start or end. It fetches a record
     * as large as the snapshot topic takes (and as many small ones), and creates no topic.
     */
    static KafkaConsumer<byte[], byte[]> presenceConsumer(String kafka, String clientId) {
        Properties p = consumerProperties(kafka, clientId, 5_000);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, PresenceSnapshots.MAX_RECORD_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, PresenceSnapshots.MAX_RECORD_BYTES);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(p);
    }

    private static Properties consumerProperties(String kafka, String clientId, int maxPollRecords) {
        Properties p = new Properties();
        p.putAll(failoverSettings());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }
}
