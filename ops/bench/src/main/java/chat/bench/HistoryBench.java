package chat.bench;

import chat.gateway.Gateway;
import chat.history.HistoryConfig;
import chat.history.HistoryService;
import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.EventCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.opentest4j.TestAbortedException;

/**
 * Measures, in one run on one broker, (1) how fast the history service stores a topic full of messages on SQLite and
 * on PostgreSQL, beside a plain Kafka consumer reading the same topic, and (2) how long a join takes to bring its
 * 50-message history, beside a join into an empty room and a direct query of the history API.
 */
public final class HistoryBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HistoryBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Map<String, Integer> opts = new HashMap<>(Map.of("--messages", 100_000, "--rooms", 100, "--joins", 500, "--warmup", 100));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || !opts.containsKey(args[i]) || i + 1 >= args.length) {
                System.out.println("usage: ops/chat bench history [--messages N] [--rooms N] [--joins N] [--warmup N]");
                return;
            }
            opts.put(args[i], Integer.parseInt(args[++i]));
        }
        int messages = opts.get("--messages");
        int rooms = opts.get("--rooms");
        Path dir = Files.createTempDirectory("chat-bench-history");
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            String topic = "bench-history";
            Map<String, Long> lastSeqs = fill(bootstrap, topic, messages, rooms);
            System.out.printf("one broker, %d messages of ~100 bytes in %d rooms, 6 partitions%n%n", messages, rooms);
            System.out.printf("%-44s %12s%n", "ingest", "messages/s");
            System.out.printf("%-44s %12.0f%n", "raw Kafka consumer, reading only", messages / rawConsume(bootstrap, topic, messages));

            Map<String, String> databases = new LinkedHashMap<>();
            databases.put("SQLite", TestDatabase.sqliteUrl(dir));
            try {
                databases.put("PostgreSQL", TestDatabase.freshPostgresUrl());
            } catch (TestAbortedException e) {
                System.out.println("(PostgreSQL skipped: " + e.getMessage() + ")");
            }
            Map<String, long[][]> joins = new LinkedHashMap<>();
            for (Map.Entry<String, String> db : databases.entrySet()) {
                try (HistoryService history = HistoryService.start(HistoryConfig.parse(new String[] {"--kafka", bootstrap,
                    "--topic", topic, "--group", "bench-" + db.getKey(), "--db-url", db.getValue(), "--port", "0"}, Map.of()))) {
                    long start = System.nanoTime();
                    for (Map.Entry<String, Long> room : lastSeqs.entrySet()) {
                        awaitIngested(history.port(), room.getKey(), room.getValue());
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%-44s %12.0f%n", "history service on " + db.getKey() + ", stored", messages / seconds);
                    joins.put(db.getKey(), measureJoins(bootstrap, topic, history.port(), rooms, opts.get("--joins") + opts.get("--warmup")));
                }
            }
            System.out.println();
            Percentiles.header();
            int warmup = opts.get("--warmup");
            for (Map.Entry<String, long[][]> j : joins.entrySet()) {
                Percentiles.report("join -> joined + empty history (" + j.getKey() + ")", j.getValue()[0], warmup);
                Percentiles.report("GET 50 messages from the API (" + j.getKey() + ")", j.getValue()[1], warmup);
                Percentiles.report("join -> joined + 50-message history (" + j.getKey() + ")", j.getValue()[2], warmup);
            }
        }
    }

    /** Writes the messages straight to the topic, round-robin over the rooms; answers each room's last seq. */
    private static Map<String, Long> fill(String bootstrap, String topic, int messages, int rooms) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Map<String, Long> last = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                ChatEvent event = new ChatEvent.MessagePosted("room" + (i % rooms), "nick" + (i % 37),
                    "a message of about a hundred bytes, number " + i + ", to fill the history with", "id-" + i,
                    "2026-11-23T10:00:00.000Z", "bench");
                sent.add(producer.send(new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event))));
            }
            for (int i = 0; i < messages; i++) {
                last.merge("room" + (i % rooms), sent.get(i).get().offset(), Math::max);
            }
        }
        return last;
    }

    /** Seconds a plain consumer takes to read the whole topic from the start. */
    private static double rawConsume(String bootstrap, String topic, int messages) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
            long start = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int read = 0;
            while (read < messages) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static void awaitIngested(int port, String room, long seq) throws Exception {
        while (get(port, "/rooms/" + room + "/messages?limit=1&wait=10000&before=" + (seq + 1)).statusCode() != 200) {
            // wait=10000 waited already; ask again.
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** Per join: join into an empty room, the API's page of 50, and a join that replays 50 messages. */
    private static long[][] measureJoins(String bootstrap, String topic, int historyPort, int rooms, int count) throws Exception {
        long[][] nanos = new long[3][count];
        Gateway gateway = Gateway.start("--kafka", bootstrap, "--id", "bench", "--port", "0", "--topic", topic,
            "--presence-topic", topic + "-presence", "--history-url", "http://127.0.0.1:" + historyPort,
            "--rate", "1000000", "--burst", "1000000");
        try (ChatTestClient client = ChatTestClient.login(gateway.port(), "bencher")) {
            for (int i = 0; i < count; i++) {
                String empty = "empty" + i;
                long t0 = System.nanoTime();
                client.joinAndReplay(empty, null);
                nanos[0][i] = System.nanoTime() - t0;

                String room = "room" + (i % rooms);
                long t1 = System.nanoTime();
                HttpResponse<String> page = get(historyPort, "/rooms/" + room + "/messages?limit=50");
                nanos[1][i] = System.nanoTime() - t1;
                if (page.statusCode() != 200) {
                    throw new IllegalStateException("history answered " + page.statusCode());
                }

                long t2 = System.nanoTime();
                ChatTestClient.Replay replay = client.joinAndReplay(room, null);
                nanos[2][i] = System.nanoTime() - t2;
                if (replay.messages().size() != 50) {
                    throw new IllegalStateException("a join replayed " + replay.messages().size() + " messages, not 50");
                }
                for (String joined : List.of(room, empty)) {
                    client.send(new ClientFrame.Part(joined, null));
                    client.nextMatching(ServerFrame.Parted.class, p -> p.room().equals(joined));
                }
            }
        } finally {
            gateway.close();
        }
        return nanos;
    }
}
