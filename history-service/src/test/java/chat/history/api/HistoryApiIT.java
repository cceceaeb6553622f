package chat.history.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.history.HistoryConfig;
import chat.history.HistoryService;
import chat.protocol.ChatEvent;
import chat.protocol.EventCodec;
import chat.testkit.LocalHttp;
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API over a real topic and database: pages, conversations, health, a clear error for bad requests, and
 * nothing but health for a caller without the service's secret.
 */
class HistoryApiIT {
    private static final String SECRET = "it-" + UUID.randomUUID();
    @TempDir
    static Path dir;
    private static HistoryService service;
    private static long lastSeq;

    @BeforeAll
    static void startWithSomeHistory() throws Exception {
        String topic = "api-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 3; i++) {
                send(producer, topic, new ChatEvent.MessagePosted("lobby", "alice", "hi " + i, "m" + i, "2026-11-23T10:00:00.000Z", "gw1"));
            }
            send(producer, topic, new ChatEvent.MemberJoined("lobby", "bob", "c1", "gw1"));
            lastSeq = send(producer, topic, new ChatEvent.DirectMessage("alice", "Bob", "psst", "d1",
                "2026-11-23T10:00:01.000Z", "gw1", "acct-a", "acct-b", false));
        }
        service = HistoryService.start(HistoryConfig.parse(new String[] {"--kafka", TestKafka.bootstrapServers(),
            "--topic", topic, "--group", topic, "--db-url", TestDatabase.sqliteUrl(dir), "--port", "0"},
            Map.of("HISTORY_API_SECRET", SECRET)));
    }

    private static long send(KafkaProducer<byte[], byte[]> producer, String topic, ChatEvent event) throws Exception {
        return producer.send(new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event))).get().offset();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static HttpResponse<String> request(String method, String path) {
        return LocalHttp.send(method, service.port(), path, "Authorization", "Bearer " + SECRET);
    }

    private static HttpResponse<String> get(String path) {
        return request("GET", path);
    }

    @Test
    void pagesOfARoomAndOfAConversation() throws Exception {
        HttpResponse<String> page = get("/rooms/lobby/messages?before=" + (lastSeq + 1) + "&wait=10000&limit=2");
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("application/json; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"messages\":["
            + "{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"hi 1\",\"id\":\"m1\",\"seq\":1,\"ts\":\"2026-11-23T10:00:00.000Z\"},"
            + "{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"hi 2\",\"id\":\"m2\",\"seq\":2,\"ts\":\"2026-11-23T10:00:00.000Z\"}"
            + "],\"more\":true}", page.body());
        assertEquals("{\"messages\":[{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"hi 0\",\"id\":\"m0\","
            + "\"seq\":0,\"ts\":\"2026-11-23T10:00:00.000Z\"}],\"more\":true}", get("/rooms/lobby/messages?after=-1&limit=1").body());
        assertEquals("{\"messages\":[],\"more\":false}", get("/rooms/empty/messages").body());

        String dms = get("/conversations/bob/ALICE/messages?account=acct-b").body();
        assertEquals("{\"messages\":[{\"type\":\"dm\",\"from\":\"alice\",\"to\":\"Bob\",\"text\":\"psst\",\"id\":\"d1\",\"seq\":"
            + lastSeq + ",\"ts\":\"2026-11-23T10:00:01.000Z\"}],\"more\":false}", dms, "either order, any case");
    }

    @Test
    void healthSaysItReadsTheTopicAndHowFarBehindItIs() throws Exception {
        get("/rooms/lobby/messages?before=" + (lastSeq + 1) + "&wait=10000");
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("{\"status\":\"reading\",\"lag\":0,\"partitions\":1}", health.body());
    }

    @Test
    void badRequestsGetAClearError() throws Exception {
        Map<String, Integer> refused = Map.of(
            "/rooms/lobby/messages?limit=501", 400,
            "/rooms/lobby/messages?limit=0", 400,
            "/rooms/lobby/messages?after=x", 400,
            "/rooms/lobby/messages?after=-2", 400,
            "/rooms/lobby/messages?colour=red", 400,
            "/rooms/lobby/messages?limit=1&limit=2", 400,
            "/rooms/Not%20A%20Room/messages", 400,
            "/rooms/lobby/messages?wait=100", 400,
            "/conversations/alice/9/messages?account=acct-a", 400,
            "/rooms/lobby", 404);
        for (Map.Entry<String, Integer> r : refused.entrySet()) {
            HttpResponse<String> response = get(r.getKey());
            assertEquals(r.getValue(), response.statusCode(), r.getKey() + " -> " + response.body());
            assertTrue(response.body().startsWith("{\"error\":\""), response.body());
        }
        HttpResponse<String> post = request("POST", "/rooms/lobby/messages");
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aPageThatNeedsTopicNotYetReadSaysSoAfterItsWait() throws Exception {
        HttpResponse<String> behind = get("/rooms/lobby/messages?before=" + (lastSeq + 1_000) + "&wait=200");
        assertEquals(503, behind.statusCode());
        assertTrue(behind.body().contains("has not read the topic up to seq"), behind.body());
    }

    @Test
    void everyRouteButHealthRefusesACallerWithoutTheSecret() {
        List<String[]> wrong = List.of(
            new String[0],
            new String[] {"Authorization", "Basic " + SECRET},
            new String[] {"Authorization", SECRET},
            new String[] {"Authorization", "Bearer " + SECRET + "x"},
            new String[] {"Authorization", "Bearer " + SECRET.substring(0, SECRET.length() - 1)},
            new String[] {"Authorization", "Bearer  " + SECRET},
            new String[] {"Authorization", "Bearer "},
            new String[] {"Authorization", "Bearer"},
            new String[] {"Authorization", "Bearer wrong-secret-of-some-length"},
            new String[] {"Authorization", "Bearer " + SECRET, "Authorization", "Bearer " + SECRET});
        for (String path : List.of("/rooms/lobby/messages", "/conversations/alice/bob/messages",
            "/rooms/lobby/messages?after=-1&limit=500", "/nothing-here")) {
            for (String[] headers : wrong) {
                HttpResponse<String> refused = LocalHttp.send("GET", service.port(), path, headers);
                assertEquals(401, refused.statusCode(), path + " with " + List.of(headers) + ": " + refused.body());
                assertTrue(!refused.body().contains("\"messages\"") && !refused.body().contains(SECRET), refused.body());
                assertEquals("Bearer realm=\"chat-history\"", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
            }
        }
        assertEquals(401, LocalHttp.send("POST", service.port(), "/rooms/lobby/messages").statusCode(),
            "a caller without the secret learns nothing, not even which methods are served");
        assertEquals(200, LocalHttp.get(service.port(), "/health").statusCode(), "health is for anyone who reaches it");
        assertEquals(200, LocalHttp.send("GET", service.port(), "/rooms/lobby/messages", "Authorization",
            "bearer " + SECRET).statusCode(), "the scheme's name in any case, as HTTP has it");
    }

    @Test
    void theSecretIsInNoMetric() {
        get("/rooms/lobby/messages");
        LocalHttp.send("GET", service.port(), "/rooms/lobby/messages", "Authorization", "Bearer " + SECRET + "x");
        String metrics = LocalHttp.get(service.adminPort(), "/metrics").body();
        assertTrue(metrics.contains("chat_history"), "the metrics were read");
        assertTrue(!metrics.contains(SECRET), "no metric holds the secret");
    }
}
