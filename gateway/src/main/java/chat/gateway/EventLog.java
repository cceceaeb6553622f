package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.ChatPartitions;
import chat.protocol.EventCodec;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes events to the chat topic with the gateway's one Kafka producer: acks from all in-sync replicas, idempotent,
 * no linger (latency first; batches still form while requests are in flight), lz4 batches, keyed by room so that a
 * room keeps its order. Each event goes to its stream's partition ({@link ChatPartitions}) among as many partitions as
 * the fan-out reads, so a partition added to the topic is written only once the fan-out reads it too, and a stream's
 * position that the fan-out gives is where its events go. Thread-safe.
 */
final class EventLog implements AutoCloseable {
    /** Told once per event: the offset Kafka gave it, or (offset -1) why Kafka did not take it in time. */
    @FunctionalInterface
    interface Outcome {
        void done(long offset, Exception failure);
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final GatewayMetrics metrics;
    private volatile IntSupplier partitionCount = () -> {
        throw new IllegalStateException("the event log sends once it follows the fan-out's partitions");
    };

    EventLog(GatewayConfig config, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.producer = KafkaClients.producer(config, "events", "lz4");
        this.topic = config.topic();
    }

    /** From now on, places events among the {@code partitionCount} partitions the fan-out reads. */
    void follow(IntSupplier partitionCount) {
        this.partitionCount = partitionCount;
    }

    /** Sends the event; the outcome is told on the producer's thread, or on this one if the send fails at once. */
    void publish(ChatEvent event, Outcome outcome) {
        long start = System.nanoTime();
        try {
            int partition = ChatPartitions.of(EventCodec.stream(event), partitionCount.getAsInt());
            ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, partition, EventCodec.key(event), EventCodec.encode(event));
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    metrics.produced(start);
                }
                outcome.done(error == null ? metadata.offset() : -1, error);
            });
        } catch (RuntimeException e) {
            outcome.done(-1, e);
        }
    }

    /** Waits up to {@code timeout} for what was sent to reach Kafka, then closes. */
    void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
