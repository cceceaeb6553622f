package chat.gateway;

import chat.admin.MalformedRecords;
import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.gateway.presence.PresenceState;
import chat.gateway.presence.SnapshotCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Brings a fresh {@link PresenceState} up to the presence topic's end as every gateway holds it: the newest snapshot
 * restored, then the records from its offset on; with no snapshot, every record from the first. It refuses when
 * records were deleted that no snapshot covers, since a state without them decides nicks and accounts wrongly.
 * Thread-safe (it holds nothing; the consumer it is given is the caller's).
 */
public final class PresenceReplay {
    /**
     * What a replay did: it restored the snapshot covering the records below {@code from} (none when {@code from} is 0
     * and {@code fromSnapshot} false), then applied {@code records} records, up to {@code to}.
     */
    public record Replayed(boolean fromSnapshot, long from, long records, long to) {}

    private PresenceReplay() {}

    /** A consumer of the presence topic for {@link #replay}: one that never skips a record it cannot read. */
    public static KafkaConsumer<byte[], byte[]> consumer(String kafka, String clientId) {
        return KafkaClients.presenceConsumer(kafka, clientId);
    }

    /**
     * Restores into {@code state} (fresh) the newest snapshot of {@code presenceTopic} (read as {@code clientId}) and
     * applies the records that follow it up to the topic's end, read with {@code consumer} (from {@link #consumer}),
     * skipping those {@link #decode} finds malformed; it is left assigned to the topic's partition, positioned after the
     * last record applied, to follow the topic on.
     *
     * @throws IllegalStateException when the topic has lost records no snapshot covers, or Kafka does not answer
     */
    public static Replayed replay(String kafka, String clientId, KafkaConsumer<byte[], byte[]> consumer,
                                  String presenceTopic, PresenceState state, Duration patience,
                                  MalformedRecords malformed) {
        Optional<SnapshotCodec.AtOffset> snapshot = PresenceSnapshots.newest(kafka, clientId, presenceTopic, patience);
        TopicPartition partition = new TopicPartition(presenceTopic, 0);
        consumer.assign(List.of(partition));
        long begin = consumer.beginningOffsets(List.of(partition), patience).get(partition);
        long end = consumer.endOffsets(List.of(partition), patience).get(partition);
        long from = snapshot.map(SnapshotCodec.AtOffset::offset).orElse(0L);
        if (begin > from) {
            throw new IllegalStateException("the presence topic " + presenceTopic + " begins at offset " + begin
                + ", but " + (snapshot.isPresent() ? "its newest snapshot covers only the records below " + from
                : "it has no snapshot (" + PresenceSnapshots.topicOf(presenceTopic) + ") to cover the records below it")
                + ": records were deleted that nothing holds, and with them claims, memberships and accounts. A gateway"
                + " that started without them would decide nicks and accounts wrongly, so it does not start; see"
                + " docs/ARCHITECTURE.md, Presence snapshots");
        }
        if (from > end) {
            throw new IllegalStateException("the newest snapshot of the presence topic " + presenceTopic
                + " covers the records below offset " + from + ", but the topic ends at " + end
                + ": it is not the topic the snapshot was taken of (was the topic deleted and created again?), so this"
                + " gateway does not start; delete the snapshot topic " + PresenceSnapshots.topicOf(presenceTopic)
                + " too, or bring back the presence topic it belongs to");
        }
        snapshot.ifPresent(s -> state.restore(s.snapshot()));
        consumer.seek(partition, from);
        long records = 0;
        while (consumer.position(partition, patience) < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                apply(state, record, malformed);
                records++;
            }
        }
        return new Replayed(snapshot.isPresent(), from, records, consumer.position(partition, patience));
    }

    /** Applies the record to the state; a malformed record decides nothing, as on the gateways, and is told of. */
    public static void apply(PresenceState state, ConsumerRecord<byte[], byte[]> record, MalformedRecords malformed) {
        decode(record, malformed).ifPresent(r -> state.apply(record.timestamp(), r));
    }

    /**
     * The presence record {@code record} holds, or empty for one that is not a record as a gateway writes it, which
     * {@code malformed} tells of and which changes nothing.
     */
    public static Optional<PresenceRecord> decode(ConsumerRecord<byte[], byte[]> record, MalformedRecords malformed) {
        try {
            return Optional.of(PresenceCodec.decodeRecord(record.key(), record.value()));
        } catch (IllegalArgumentException e) {
            malformed.skipped(record.topic(), record.partition(), record.offset(), e.getMessage());
            return Optional.empty();
        }
    }
}
