package chat.history.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.history.HistoryConfig;
import chat.history.HistoryService;
import chat.protocol.ChatEvent;
import chat.protocol.EventCodec;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
import chat.testkit.LocalHttp;
import chat.testkit.Poll;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records that no gateway wrote, put straight into the chat topic (not JSON, JSON of the wrong shape, a type nobody
 * knows, an empty or no value, no key, and values no column of the store can hold), do not stop the history service's
 * ingest, on SQLite and on PostgreSQL: a message written after them is stored, none of them is, and each is counted
 * once in {@code chat_malformed_records_total}.
 */
@ParameterizedClass
@EnumSource(MalformedRecordsIT.Database.class)
class MalformedRecordsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TS = "2026-11-23T10:00:00.000Z";

    enum Database { SQLITE, POSTGRESQL }

    @Parameter
    Database database;

    @TempDir
    Path dir;

    @Test
    void malformedRecordsAreSkippedAndCountedOnceAndTheIngestGoesOn() throws Exception {
        String topic = "malformed-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        String dbUrl = database == Database.SQLITE ? TestDatabase.sqliteUrl(dir) : TestDatabase.freshPostgresUrl();
        byte[] lobby = "lobby".getBytes(StandardCharsets.UTF_8);
        long okSeq;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, topic, lobby, new byte[] {(byte) 0xff, 'n', 'o', 't', ' ', '{'});
            send(producer, topic, lobby, "{\"v\":1,\"type\":\"message\",\"room\":5}".getBytes(StandardCharsets.UTF_8));
            send(producer, topic, lobby, "{\"v\":1,\"type\":\"poke\",\"room\":\"lobby\"}".getBytes(StandardCharsets.UTF_8));
            send(producer, topic, lobby, new byte[0]);
            send(producer, topic, lobby, null);
            // Whole but for the key: stored, it would hold a seq of another partition, perhaps a message's own.
            send(producer, topic, null, EventCodec.encode(message("mallory", "m-unkeyed")));
            // What PostgreSQL cannot hold (a NUL, a sender longer than its column): one would fail every batch.
            send(producer, topic, lobby, EventCodec.encode(message("mallory", "m\u0000")));
            send(producer, topic, lobby, EventCodec.encode(message("m".repeat(25), "m-long-sender")));
            okSeq = send(producer, topic, lobby, EventCodec.encode(message("alice", "m-ok")));
        }

        try (HistoryService service = HistoryService.start(HistoryConfig.parse(new String[] {
            "--kafka", TestKafka.bootstrapServers(), "--topic", topic, "--group", topic + "-history", "--db-url", dbUrl,
            "--port", "0", "--admin-port", "0"}, Map.of()))) {
            String page = "/rooms/lobby/messages?after=-1&wait=5000&before=" + (okSeq + 1);
            HttpResponse<String> stored = Poll.until("the history stores the message after the malformed records", WAIT,
                Duration.ofMillis(50), () -> LocalHttp.get(service.port(), page), r -> r.statusCode() == 200);
            assertEquals(List.of("m-ok"), FrameCodec.decodeHistoryPage(stored.body()).messages().stream()
                .map(m -> ((ServerFrame.Message) m).id()).toList());
            // The unkeyed record is in whichever partition it fell into, read at its own pace.
            Poll.until("the history counts every malformed record", WAIT, Duration.ofMillis(50),
                () -> malformed(service.adminPort(), topic), n -> n >= 8);
            assertEquals(8, malformed(service.adminPort(), topic), "each malformed record counted once");
            assertEquals(List.of("m-ok"), FrameCodec.decodeHistoryPage(LocalHttp.get(service.port(),
                "/rooms/lobby/messages?after=-1").body()).messages().stream()
                .map(m -> ((ServerFrame.Message) m).id()).toList(), "none of the malformed records was stored");
            assertEquals(200, LocalHttp.get(service.adminPort(), "/health").statusCode());
        }
    }

    private static ChatEvent.MessagePosted message(String from, String id) {
        return new ChatEvent.MessagePosted("lobby", from, "text of " + id, id, TS, "gw1");
    }

    private static long send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value)
        throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get().offset();
    }

    private static long malformed(int adminPort, String topic) {
        return (long) ScrapedMetrics.scrape(adminPort).value("chat_malformed_records_total", "topic=\"" + topic + "\"");
    }
}
