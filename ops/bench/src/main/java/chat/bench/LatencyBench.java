package chat.bench;

import chat.gateway.Gateway;
import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestKafka;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures, in one run on one broker, the latency of (1) raw Kafka produce-to-consume with the gateway's producer
 * settings, the floor, (2) a say to its ack, and (3) a say on gateway 1 to its delivery to a client of gateway 2.
 * Messages go at a fixed rate; the first part of each series is a warm-up and is not counted.
 */
public final class LatencyBench {
    private LatencyBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        Map<String, Integer> opts = new java.util.HashMap<>(Map.of("--messages", 5_000, "--warmup", 2_000, "--rate", 1_000));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || !opts.containsKey(args[i]) || i + 1 >= args.length) {
                System.out.println("usage: ops/chat bench [--messages N] [--warmup N] [--rate PER_SECOND]");
                return;
            }
            opts.put(args[i], Integer.parseInt(args[++i]));
        }
        int messages = opts.get("--messages");
        int warmup = opts.get("--warmup");
        int rate = opts.get("--rate");
        Path dir = Files.createTempDirectory("chat-bench");
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir)) {
            System.out.printf("one broker, %d messages of ~100 bytes at %d/s after %d of warm-up, after a warm-up round%n%n", messages, rate, warmup);
            // A first round warms the broker and both paths alike; only the second round is reported.
            rawKafka(kafka.bootstrapServers(), "bench-raw-warm", warmup + messages, rate);
            throughGateways(kafka.bootstrapServers(), "bench-chat-warm", warmup + messages, rate);
            long[] raw = rawKafka(kafka.bootstrapServers(), "bench-raw", warmup + messages, rate);
            long[][] chat = throughGateways(kafka.bootstrapServers(), "bench-chat", warmup + messages, rate);
            Percentiles.header();
            Percentiles.report("raw Kafka produce -> consume", raw, warmup);
            Percentiles.report("gateway say -> ack", chat[0], warmup);
            Percentiles.report("say on gw1 -> message on gw2", chat[1], warmup);
        }
    }

    private static long[] rawKafka(String bootstrap, String topic, int count, int rate) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
        }
        long[] latencies = new long[count];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            Thread sender = Thread.ofPlatform().start(() -> pace(count, rate, i -> {
                ByteBuffer value = ByteBuffer.allocate(100).putInt(i).putLong(System.nanoTime());
                producer.send(new ProducerRecord<>(topic, "room".getBytes(), value.array()));
            }));
            int received = 0;
            while (received < count) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    ByteBuffer value = ByteBuffer.wrap(record.value());
                    int i = value.getInt();
                    latencies[i] = System.nanoTime() - value.getLong();
                    received++;
                }
            }
            sender.join();
        }
        return latencies;
    }

    private static long[][] throughGateways(String bootstrap, String topic, int count, int rate) throws Exception {
        try (Gateway gw1 = gateway(bootstrap, "bench1", topic); Gateway gw2 = gateway(bootstrap, "bench2", topic);
             ChatTestClient sender = ChatTestClient.login(gw1.port(), "sender");
             ChatTestClient receiver = ChatTestClient.login(gw2.port(), "receiver")) {
            receiver.join("bench");
            sender.join("bench");
            AtomicLongArray sentAt = new AtomicLongArray(count);
            long[] ack = new long[count];
            long[] delivery = new long[count];
            Thread acks = Thread.ofPlatform().start(() -> {
                for (int n = 0; n < count; n++) {
                    ServerFrame.Ack a = sender.nextMatching(ServerFrame.Ack.class, f -> true);
                    int i = Integer.parseInt(a.id());
                    ack[i] = System.nanoTime() - sentAt.get(i);
                }
            });
            Thread deliveries = Thread.ofPlatform().start(() -> {
                for (int n = 0; n < count; n++) {
                    ServerFrame.Message m = receiver.nextMatching(ServerFrame.Message.class, f -> true);
                    int i = Integer.parseInt(m.id());
                    delivery[i] = System.nanoTime() - sentAt.get(i);
                }
            });
            String text = "x".repeat(60);
            pace(count, rate, i -> {
                sentAt.set(i, System.nanoTime());
                sender.send(new ClientFrame.Say("bench", text, Integer.toString(i), null));
            });
            acks.join();
            deliveries.join();
            return new long[][] {ack, delivery};
        }
    }

    private static Gateway gateway(String bootstrap, String id, String topic) throws Exception {
        return Gateway.start("--kafka", bootstrap, "--id", id, "--port", "0", "--topic", topic, "--partitions", "1",
            "--presence-topic", topic + "-presence",
            // One bench client says far more than a person may: lift its rate limit, not the path it measures.
            "--rate", "1000000", "--burst", "1000000",
            // The receiving client only listens; at a low rate a round outlasts the idle timeout.
            "--idle-timeout-ms", "3600000");
    }

    private static void pace(int count, int rate, java.util.function.IntConsumer send) {
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            send.accept(i);
            next += interval;
        }
    }
}
