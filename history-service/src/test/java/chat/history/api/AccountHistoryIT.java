package chat.history.api;

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
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conversations served by account and the messages waiting for an account, over HTTP, from events on a real topic of
 * two partitions, on SQLite and PostgreSQL: the account a conversation is asked for must be the asking nick's side;
 * waiting messages go once a mark covers them (only those before it), and stop at the asker's positions, which the
 * service can wait for.
 */
@ParameterizedClass
@EnumSource(AccountHistoryIT.Database.class)
class AccountHistoryIT {
    private static final String TS = "2026-11-23T10:00:00.000Z";
    private static final int PARTITIONS = 2;

    enum Database { SQLITE, POSTGRESQL }

    @Parameter
    Database database;

    @TempDir
    Path dir;

    private String topic;
    private KafkaProducer<byte[], byte[]> producer;
    private HistoryService service;

    @BeforeEach
    void start() throws Exception {
        topic = "accounts-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(p);
        String db = database == Database.SQLITE ? TestDatabase.sqliteUrl(dir) : TestDatabase.freshPostgresUrl();
        service = HistoryService.start(HistoryConfig.parse(new String[] {"--kafka", TestKafka.bootstrapServers(),
            "--topic", topic, "--group", topic, "--db-url", db, "--port", "0", "--admin-port", "0"}, Map.of()));
    }

    @AfterEach
    void stop() {
        producer.close();
        service.close();
    }

    private RecordMetadata send(ChatEvent event) throws Exception {
        return producer.send(new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event))).get();
    }

    private static ChatEvent.DirectMessage dm(String from, String fromAccount, String to, String toAccount,
                                              boolean waiting, String id) {
        return new ChatEvent.DirectMessage(from, to, "text " + id, id, TS, "gw1", fromAccount, toAccount, waiting);
    }

    private HttpResponse<String> get(String path) {
        return LocalHttp.get(service.port(), path);
    }

    private static List<String> ids(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return FrameCodec.decodeHistoryPage(response.body()).messages().stream()
            .map(m -> ((ServerFrame.Dm) m).id()).toList();
    }

    @Test
    void aConversationIsServedOnlyToTheAccountOfTheAskingNicksSide() throws Exception {
        send(dm("alice", null, "bob", "acct-b", false, "guest"));
        send(dm("alice", "acct-a", "bob", "acct-b", false, "mine"));
        send(dm("bob", "acct-b", "Alice", "acct-a", false, "to-me"));
        send(dm("ALICE", "acct-x", "bob", "acct-b", false, "other-account"));
        long last = send(dm("bob", "acct-a", "alice", null, false, "bob-names-my-id")).offset();
        String upToLast = "before=" + (last + 1) + "&wait=10000";

        assertEquals(List.of("mine", "to-me"), ids(get("/conversations/alice/bob/messages?account=acct-a&" + upToLast)));
        assertEquals(List.of("mine", "to-me"), ids(get("/conversations/ALICE/Bob/messages?account=acct-a")),
            "nicks in any case");
        assertEquals(List.of("other-account"), ids(get("/conversations/alice/bob/messages?account=acct-x")));
        assertEquals(List.of("guest", "mine", "to-me", "other-account"),
            ids(get("/conversations/bob/alice/messages?account=acct-b")));
        assertEquals(List.of(), ids(get("/conversations/carol/alice/messages?account=acct-a")),
            "another conversation's nick gets nothing of it");

        for (String refused : List.of("/conversations/alice/bob/messages", "/conversations/alice/bob/messages?account=",
            "/conversations/alice/bob/messages?account=a%20b", "/conversations/alice/bob/messages?account=a.b",
            "/conversations/alice/bob/messages?account=" + "a".repeat(65),
            "/conversations/alice/bob/messages?account=acct-a&account=acct-x")) {
            HttpResponse<String> response = get(refused);
            assertEquals(400, response.statusCode(), refused + " -> " + response.body());
            assertTrue(response.body().startsWith("{\"error\":\""), response.body());
        }
    }

    @Test
    void waitingMessagesComeUntilDeliveredAndOnlyBelowTheAskersPositions() throws Exception {
        RecordMetadata first = send(dm("alice", "acct-a", "bob", "acct-b", true, "a1"));
        RecordMetadata second = send(dm("alice", "acct-a", "bob", "acct-b", true, "a2"));
        send(dm("alice", "acct-a", "bob", "acct-b", false, "seen-live"));
        RecordMetadata third = send(dm("alice", "acct-a", "bob", "acct-b", true, "a3"));
        RecordMetadata fromCarol = send(dm("carol", null, "bob", "acct-b", true, "c1"));
        send(dm("dave", "acct-d", "bob", null, true, "to-a-guest"));
        send(dm("alice", "acct-a", "bob", "acct-x", true, "to-another-account"));
        send(new ChatEvent.WaitingDelivered("acct-b", ChatEvent.conversationOf("alice", "bob"), first.offset(), "gw2"));
        long[] ends = endsAfter(send(dm("erin", "acct-e", "bob", "acct-b", false, "last")));

        String aliceBob = ChatEvent.conversationOf("alice", "bob");
        String bobCarol = ChatEvent.conversationOf("bob", "carol");
        List<String> waiting = aliceBob.compareTo(bobCarol) < 0 ? List.of("a2", "a3", "c1") : List.of("c1", "a2", "a3");
        HttpResponse<String> all = get("/accounts/acct-b/waiting?wait=10000&positions=" + positions(ends));
        assertEquals(waiting, ids(all), "what no mark covers, by conversation and seq");
        assertTrue(all.body().contains("\"waiting\":true"), all.body());
        assertEquals(List.of(), ids(get("/accounts/acct-a/waiting?positions=" + positions(ends))));

        HistoryPage firstPage = FrameCodec.decodeHistoryPage(
            get("/accounts/acct-b/waiting?limit=2&positions=" + positions(ends)).body());
        assertEquals(waiting.subList(0, 2), firstPage.messages().stream().map(m -> ((ServerFrame.Dm) m).id()).toList());
        assertTrue(firstPage.more());
        ServerFrame.Dm lastOfFirst = (ServerFrame.Dm) firstPage.messages().getLast();
        String cursor = ChatEvent.conversationOf(lastOfFirst.from(), lastOfFirst.to()) + "@" + lastOfFirst.seq();
        HttpResponse<String> next = get("/accounts/acct-b/waiting?limit=2&after="
            + cursor.replace("@", "%40").replace(":", "%3A") + "&positions=" + positions(ends));
        assertEquals(waiting.subList(2, 3), ids(next));
        assertTrue(next.body().endsWith("\"more\":false}"), next.body());

        Map<String, RecordMetadata> records = Map.of("a2", second, "a3", third, "c1", fromCarol);
        for (RecordMetadata bound : List.of(third, fromCarol)) {
            long[] below = ends.clone();
            below[bound.partition()] = bound.offset();
            List<String> expected = waiting.stream().filter(id -> records.get(id).partition() != bound.partition()
                || records.get(id).offset() < bound.offset()).toList();
            assertEquals(expected, ids(get("/accounts/acct-b/waiting?positions=" + positions(below))),
                "a message at or above the asker's position in its partition comes live, not from here");
        }
    }

    @Test
    void aMarkThatClaimsSeqsStillToComeCoversOnlyTheMessagesBeforeIt() throws Exception {
        String aliceBob = ChatEvent.conversationOf("alice", "bob");
        send(dm("alice", "acct-a", "bob", "acct-b", true, "before"));
        send(new ChatEvent.WaitingDelivered("acct-b", aliceBob, Long.MAX_VALUE, "gw2"));
        send(dm("alice", "acct-a", "bob", "acct-b", true, "after"));
        long[] ends = endsAfter(send(dm("erin", "acct-e", "bob", "acct-b", false, "last")));

        assertEquals(List.of("after"), ids(get("/accounts/acct-b/waiting?wait=10000&positions=" + positions(ends))),
            "a message said after the mark still waits");
    }

    @Test
    void aWaitEndsOnceTheIngestReachedThePositionsAndOtherwiseSaysItDidNot() throws Exception {
        RecordMetadata before = send(dm("alice", "acct-a", "bob", "acct-b", true, "a1"));
        long[] ends = endsAfter(before);
        long[] oneMore = ends.clone();
        oneMore[before.partition()]++;

        HttpResponse<String> behind = get("/accounts/acct-b/waiting?wait=300&positions=" + positions(oneMore));
        assertEquals(503, behind.statusCode(), behind.body());
        assertTrue(behind.body().startsWith("{\"error\":\""), behind.body());

        CompletableFuture<HttpResponse<String>> waited = CompletableFuture.supplyAsync(
            () -> get("/accounts/acct-b/waiting?wait=10000&positions=" + positions(oneMore)));
        send(dm("alice", "acct-a", "bob", "acct-b", true, "a2"));
        assertEquals(List.of("a1", "a2"), ids(waited.get()), "the page holds what reached the store while it waited");

        Map<String, Integer> refused = Map.of(
            "/accounts/acct-b/waiting", 400,
            "/accounts/acct-b/waiting?positions=1", 400,
            "/accounts/acct-b/waiting?positions=1,2,3", 400,
            "/accounts/acct-b/waiting?positions=1,x", 400,
            "/accounts/acct-b/waiting?positions=1,-1", 400,
            "/accounts/acct-b/waiting?positions=1,1&wait=10001", 400,
            "/accounts/acct-b/waiting?positions=1,1&limit=501", 400,
            "/accounts/acct-b/waiting?positions=1,1&after=lobby", 400,
            "/accounts/acct-b/waiting?positions=1,1&before=3", 400,
            "/accounts/a%2Fb/waiting?positions=1,1", 400);
        for (Map.Entry<String, Integer> r : refused.entrySet()) {
            HttpResponse<String> response = get(r.getKey());
            assertEquals(r.getValue(), response.statusCode(), r.getKey() + " -> " + response.body());
        }
    }

    /** The end offset of every partition, once {@code last} is the last record written to the topic. */
    private long[] endsAfter(RecordMetadata last) throws Exception {
        long[] ends = new long[PARTITIONS];
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition partition = new TopicPartition(topic, p);
                ends[p] = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get()
                    .offset();
            }
        }
        assertTrue(ends[last.partition()] > last.offset());
        return ends;
    }

    private static String positions(long[] positions) {
        return String.join(",", Arrays.stream(positions).mapToObj(Long::toString).toList());
    }

}
