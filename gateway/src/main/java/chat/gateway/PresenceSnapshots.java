package chat.gateway;

import chat.gateway.presence.SnapshotCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where snapshots of the presence state live: the snapshot topic beside the presence topic, one partition, compacted
 * under one key, so it keeps the newest snapshot for ever and lets the older ones go. Each record is one snapshot,
 * {@link SnapshotCodec}'s bytes, at most {@link #MAX_SNAPSHOT_BYTES}. Thread-safe (it holds nothing).
 */
public final class PresenceSnapshots {
    private static final Logger log = LoggerFactory.getLogger(PresenceSnapshots.class);

    /**
     * The largest snapshot written, compressed. The topic, the producer and the consumers take a record this large and
     * the little a record adds around it ({@link #MAX_RECORD_BYTES}).
     */
    public static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
    static final int MAX_RECORD_BYTES = MAX_SNAPSHOT_BYTES + 64 * 1024;
    /** The key of every snapshot: compaction keeps the newest record of it. */
    private static final byte[] KEY = "presence".getBytes(StandardCharsets.UTF_8);
    /** The header that says which records a snapshot covers, so a reader picks one without decoding them all. */
    private static final String COVERS = "covers";
    /** How many of the last records are read at a time, newest first, to find the newest snapshot that reads. */
    private static final int LOOK_BACK = 8;

    private PresenceSnapshots() {}

    /** The snapshot topic of {@code presenceTopic}. */
    public static String topicOf(String presenceTopic) {
        return presenceTopic + ".snapshots";
    }

    /**
     * The snapshot covering the most records of the presence topic, or empty when there is none (no snapshot topic, or
     * none in it that this gateway can read). It reads with a consumer of its own, closed after: one left with a fetch
     * waiting at the snapshot topic's end would hold up whatever its connection is asked next.
     *
     * @throws IllegalStateException when Kafka does not answer within {@code patience}
     */
    public static Optional<SnapshotCodec.AtOffset> newest(String kafka, String clientId, String presenceTopic,
                                                         Duration patience) {
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.presenceConsumer(kafka, clientId);
        try {
            return newest(consumer, presenceTopic, patience);
        } finally {
            // At once: it has nothing to commit or leave, and its closing would wait for the fetch that waits at the
            // snapshot topic's end.
            consumer.close(Duration.ZERO);
        }
    }

    private static Optional<SnapshotCodec.AtOffset> newest(KafkaConsumer<byte[], byte[]> consumer,
                                                           String presenceTopic, Duration patience) {
        String topic = topicOf(presenceTopic);
        if (consumer.partitionsFor(topic, patience).isEmpty()) {
            return Optional.empty();
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition), patience).get(partition);
        long deadline = System.nanoTime() + patience.toNanos();
        // Newest first: a window of the last records, and before it another, until one holds a snapshot that reads
        // (one of a newer format than this gateway's is passed over). In a window, the snapshot covering the most
        // records first: the header says which, so only the one taken is decompressed and parsed.
        for (long to = consumer.endOffsets(List.of(partition), patience).get(partition); to > begin;
             to = Math.max(begin, to - LOOK_BACK)) {
            List<ConsumerRecord<byte[], byte[]>> window = new ArrayList<>();
            consumer.seek(partition, Math.max(begin, to - LOOK_BACK));
            while (consumer.position(partition, patience) < to) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the snapshot topic " + topic + " was not read within " + patience);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < to) {
                        window.add(record);
                    }
                }
            }
            window.sort(Comparator.comparingLong(PresenceSnapshots::covers)
                .thenComparingLong(ConsumerRecord::offset).reversed());
            for (ConsumerRecord<byte[], byte[]> record : window) {
                SnapshotCodec.AtOffset read = decode(record);
                if (read != null) {
                    return Optional.of(read);
                }
            }
        }
        return Optional.empty();
    }

    /** The record of a snapshot covering the presence topic's records below {@code covers}. */
    static ProducerRecord<byte[], byte[]> record(String topic, long covers, byte[] snapshot) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, KEY, snapshot);
        record.headers().add(COVERS, ByteBuffer.allocate(Long.BYTES).putLong(covers).array());
        return record;
    }

    /** The offset below which a snapshot record's header says it covers the presence topic; -1 without one. */
    private static long covers(ConsumerRecord<byte[], byte[]> record) {
        Header covers = record.headers().lastHeader(COVERS);
        return covers == null || covers.value().length != Long.BYTES ? -1 : ByteBuffer.wrap(covers.value()).getLong();
    }

    private static SnapshotCodec.AtOffset decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return SnapshotCodec.decode(record.value());
        } catch (IllegalArgumentException e) {
            log.warn("passing over the presence snapshot at offset {} of {}: {}", record.offset(), record.topic(),
                e.getMessage());
            return null;
        }
    }
}
