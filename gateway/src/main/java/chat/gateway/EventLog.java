package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.EventCodec;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes events to the chat topic with the gateway's one Kafka producer: acks from all in-sync replicas, idempotent,
 * no linger (latency first; batches still form while requests are in flight), lz4 batches, keyed by room so that a
 * room keeps its order. Thread-safe.
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

    EventLog(GatewayConfig config, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.producer = KafkaClients.producer(config, "events", "lz4");
        this.topic = config.topic();
    }

    /** Sends the event; the outcome is told on the producer's thread, or on this one if the send fails at once. */
    void publish(ChatEvent event, Outcome outcome) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event));
        long start = System.nanoTime();
        try {
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
