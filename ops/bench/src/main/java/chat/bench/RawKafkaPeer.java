package chat.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Raw Kafka, the floor under the chat's latency: one producer with the gateway's settings (acks from all in-sync
 * replicas, idempotent, no linger, lz4, the send timeout of 15 s) and one consumer assigned to a topic of one partition
 * on the chat's broker, in this JVM. A message's one delivery is its consumption; its latency is produce to consume.
 */
final class RawKafkaPeer implements FanoutPeer {
    private static final String TOPIC = "fanout-raw";
    private static final int SEND_TIMEOUT_MS = 15_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread consuming;
    private final Receipts receipts;
    private final Map<String, List<Long>> processes;
    private final Incidents incidents = new Incidents();
    private volatile boolean closing;

    private RawKafkaPeer(String kafka, long brokerPid, Receipts receipts) {
        this.receipts = receipts;
        this.processes = new LinkedHashMap<>(Map.of("broker", List.of(brokerPid)));
        this.producer = new KafkaProducer<>(producerSettings(kafka));
        this.consumer = new KafkaConsumer<>(consumerSettings(kafka));
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        // Resolves the position now, so that nothing produced from here on is missed.
        consumer.position(partition);
        this.consuming = Thread.ofPlatform().name("raw-kafka-consumer").start(this::consume);
    }

    static RawKafkaPeer start(FanoutSettings settings, int steps, String kafka, long brokerPid)
        throws IOException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        } catch (ExecutionException e) {
            throw new IOException("cannot create the topic " + TOPIC + ": " + e.getCause(), e.getCause());
        }
        return new RawKafkaPeer(kafka, brokerPid, new Receipts(settings.senders(), steps));
    }

    /** The gateway's producer settings (its KafkaClients), for the events it writes. */
    private static Properties producerSettings(String kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, SEND_TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, SEND_TIMEOUT_MS / 2);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT_MS);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** The gateway's fan-out consumer settings: no group, no commits, a fetch answered as soon as a byte is there. */
    private static Properties consumerSettings(String kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    private void consume() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.nanoTime();
                    byte[] value = record.value();
                    if (!Payload.record(value, 0, value.length, receipts, now)) {
                        incidents.error("a record that is not the bench's at offset " + record.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // Closing.
        } catch (RuntimeException e) {
            incidents.connectionLost("the consumer failed: " + e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public String name() {
        return "raw Kafka";
    }

    @Override
    public String description() {
        return "one producer (the gateway's settings) and one consumer, in the bench's JVM, on the chat's broker,"
            + " a topic of one partition";
    }

    @Override
    public List<Receipts> receivers() {
        return List.of(receipts);
    }

    @Override
    public boolean echoesToSender() {
        return true;
    }

    @Override
    public void send(int sender, byte[] payload) {
        producer.send(new ProducerRecord<>(TOPIC, "room".getBytes(), payload), (metadata, e) -> {
            if (e != null) {
                incidents.error("a send failed: " + e);
            }
        });
    }

    @Override
    public Map<String, List<Long>> serverProcesses() {
        return processes;
    }

    @Override
    public Incidents incidents() {
        return incidents;
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            consuming.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
