package chat.history.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.history.HistoryConfig;
import chat.history.HistoryService;
import chat.protocol.ChatEvent;
import chat.protocol.EventCodec;
import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.ServerFrame;
import chat.testkit.LocalHttp;
import chat.testkit.Poll;
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where the history service starts reading each partition, on a real broker and on SQLite and PostgreSQL: a new
 * database fills itself with everything the topic holds, even under a consumer group that read it all before; a
 * database that fell behind the topic's retention goes on from the earliest record; a database that read further
 * than a topic created again holds leaves that topic unread rather than mixing the two, and says so.
 */
@ParameterizedClass
@EnumSource(IngestStartIT.Database.class)
class IngestStartIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TS = "2026-11-23T10:00:00.000Z";

    enum Database { SQLITE, POSTGRESQL }

    @Parameter
    Database database;

    @TempDir
    Path dir;

    private Admin admin;
    private String topic;
    private String group;
    private int databases;

    @BeforeEach
    void freshTopic() {
        admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
        topic = "ingest-" + UUID.randomUUID();
        group = topic + "-history";
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void aNewDatabaseUnderAGroupThatReadEverythingFillsItselfFromTheTopic() throws Exception {
        createTopic(3);
        Map<String, List<String>> idsByRoom = new LinkedHashMap<>();
        List<ChatEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String room = "room" + i % 4;
            events.add(new ChatEvent.MessagePosted(room, "alice", "line " + i, "m" + i, TS, "gw1"));
            idsByRoom.computeIfAbsent(room, r -> new ArrayList<>()).add("m" + i);
            if (i % 10 == 0) {
                events.add(new ChatEvent.MemberJoined(room, "bob" + i, "s" + i, "gw1"));
            }
        }
        Map<String, Long> lastSeqs = produce(events);

        try (HistoryService first = start(newDatabase())) {
            awaitRead(first, lastSeqs);
            assertEquals(idsByRoom, storedIds(first, idsByRoom.keySet()));
            // The premise: the group's offsets in Kafka are at the end of every partition, past every message.
            Map<TopicPartition, Long> ends = endOffsets(3);
            ends.values().removeIf(end -> end == 0);
            Poll.until("the group commits its offsets", WAIT, Duration.ofMillis(50), this::committedOffsets,
                ends::equals);
        }

        try (HistoryService second = start(newDatabase())) {
            awaitRead(second, lastSeqs);
            assertEquals(idsByRoom, storedIds(second, idsByRoom.keySet()), "every message, from a new database");
            assertEquals(200, LocalHttp.get(second.port(), "/health").statusCode());
        }
    }

    @Test
    void aDatabaseThatFellBehindTheTopicsRetentionGoesOnFromTheEarliestRecord() throws Exception {
        createTopic(1);
        String db = newDatabase();
        Map<String, Long> firstPart = produce(messages("lobby", 0, 5));
        try (HistoryService service = start(db)) {
            awaitRead(service, firstPart);
        }
        Map<String, Long> secondPart = produce(messages("lobby", 5, 10));
        // Retention deletes the records at offsets 5 and 6 before the service reads them.
        admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(7))).all().get();

        try (HistoryService service = start(db)) {
            awaitRead(service, secondPart);
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m7", "m8", "m9"),
                storedIds(service, List.of("lobby")).get("lobby"));
            assertEquals(200, LocalHttp.get(service.port(), "/health").statusCode());
        }
    }

    @Test
    void aTopicCreatedAgainIsNotMixedIntoADatabaseThatReadFurtherAndTheServiceSaysWhy() throws Exception {
        createTopic(1);
        String db = newDatabase();
        Map<String, Long> old = produce(messages("lobby", 0, 5));
        try (HistoryService service = start(db)) {
            awaitRead(service, old);
        }
        admin.deleteTopics(List.of(topic)).all().get();
        Poll.until("the topic is created again", WAIT, Duration.ofMillis(100), () -> tryCreateTopic(1), created -> created);
        // Offsets start again at 0: these two would take the seqs of m0 and m1.
        produce(List.of(
            new ChatEvent.MessagePosted("lobby", "bob", "new 0", "n0", TS, "gw1"),
            new ChatEvent.MessagePosted("lobby", "bob", "new 1", "n1", TS, "gw1")));

        try (HistoryService service = start(db)) {
            HttpResponse<String> health = Poll.until("/health says the partition is not read", WAIT,
                Duration.ofMillis(50), () -> LocalHttp.get(service.port(), "/health"), h -> h.statusCode() == 503
                    && h.body().contains("partition 0 of " + topic + " ends at offset 2, below offset 5 that the"
                    + " database has read"));
            assertTrue(health.body().contains("Give the service a new database"), health.body());
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), storedIds(service, List.of("lobby")).get("lobby"),
                "the stored messages stand, and none of the new topic's joined them");
            assertEquals(503, LocalHttp.get(service.port(), "/rooms/lobby/messages?before=2&wait=500").statusCode(),
                "a page up to a seq of the new topic is not served from the old one's rows");
        }

        // What the service says to do: a new database fills itself from the topic as it now is.
        try (HistoryService service = start(newDatabase())) {
            awaitRead(service, Map.of("lobby", 1L));
            assertEquals(List.of("n0", "n1"), storedIds(service, List.of("lobby")).get("lobby"));
        }
    }

    // ---- the parts ----

    private String newDatabase() {
        return database == Database.SQLITE
            ? TestDatabase.sqliteUrl(dir.resolve("db" + databases++))
            : TestDatabase.freshPostgresUrl();
    }

    private HistoryService start(String dbUrl) throws Exception {
        return HistoryService.start(HistoryConfig.parse(new String[] {"--kafka", TestKafka.bootstrapServers(),
            "--topic", topic, "--group", group, "--db-url", dbUrl, "--port", "0", "--admin-port", "0"}, Map.of()));
    }

    private void createTopic(int partitions) throws Exception {
        assertTrue(tryCreateTopic(partitions));
    }

    /** False while the broker still deletes a topic of the same name. */
    private boolean tryCreateTopic(int partitions) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new AssertionError(e.getCause());
        }
    }

    private static List<ChatEvent> messages(String room, int from, int to) {
        List<ChatEvent> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new ChatEvent.MessagePosted(room, "alice", "line " + i, "m" + i, TS, "gw1"));
        }
        return out;
    }

    /** Writes the events to the topic as a gateway would; the last seq of each room. */
    private Map<String, Long> produce(List<ChatEvent> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Map<String, Long> last = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ChatEvent event : events) {
                long offset = producer.send(new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event)))
                    .get().offset();
                if (event instanceof ChatEvent.MessagePosted m) {
                    last.put(m.room(), offset);
                }
            }
        }
        return last;
    }

    /** Waits, through the API's own wait, until the service has read each room up to its seq. */
    private static void awaitRead(HistoryService service, Map<String, Long> lastSeqs) {
        for (Map.Entry<String, Long> room : lastSeqs.entrySet()) {
            String page = "/rooms/" + room.getKey() + "/messages?limit=1&wait=5000&before=" + (room.getValue() + 1);
            Poll.until("the history reads " + room.getKey() + " up to " + room.getValue(), WAIT, Duration.ofMillis(10),
                () -> LocalHttp.get(service.port(), page), r -> r.statusCode() == 200);
        }
    }

    /** Every stored message's id, by room, oldest first. */
    private static Map<String, List<String>> storedIds(HistoryService service, Iterable<String> rooms) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String room : rooms) {
            HttpResponse<String> response = LocalHttp.get(service.port(), "/rooms/" + room + "/messages?after=-1&limit=500");
            assertEquals(200, response.statusCode(), response.body());
            HistoryPage page = FrameCodec.decodeHistoryPage(response.body());
            out.put(room, page.messages().stream().map(m -> ((ServerFrame.Message) m).id()).toList());
        }
        return out;
    }

    private Map<TopicPartition, Long> endOffsets(int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private Map<TopicPartition, Long> committedOffsets() throws Exception {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        committed.forEach((tp, offset) -> out.put(tp, offset.offset()));
        return out;
    }
}
