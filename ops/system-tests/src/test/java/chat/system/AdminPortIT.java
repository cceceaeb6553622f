package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.Gateway;
import chat.history.HistoryService;
import chat.testkit.ChatTestClient;
import chat.testkit.LocalHttp;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every gateway and the history service answer GET /health and GET /metrics on an admin port of their own. */
class AdminPortIT {
    @TempDir
    Path dir;

    private final String kafka = TestKafka.bootstrapServers();
    private final String topic = TestGateway.freshTopic();
    private HistoryService history;
    private Gateway gw1;
    private Gateway gw2;

    @BeforeEach
    void start() {
        history = Stack.history(kafka, topic, Database.SQLITE.freshUrl(dir));
        gw1 = Stack.gateway(kafka, "gw1", topic, history.port());
        gw2 = Stack.gateway(kafka, "gw2", topic, history.port());
    }

    @AfterEach
    void stop() {
        gw1.close();
        gw2.close();
        history.close();
    }

    @Test
    void theMetricsMoveWhenMessagesFlow() {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            alice.join("lobby");
            bob.join("lobby");
            // Once a message of the room is acked and delivered, every earlier produce and delivery is counted.
            Stack.sayAndAwaitAcks(alice, "lobby", "before", 1);
            bob.messages("lobby", 1);
            ScrapedMetrics sender = ScrapedMetrics.scrape(gw1.adminPort());
            ScrapedMetrics receiver = ScrapedMetrics.scrape(gw2.adminPort());
            ScrapedMetrics store = ScrapedMetrics.scrape(history.adminPort());

            List<Long> seqs = Stack.sayAndAwaitAcks(alice, "lobby", "m", 20);
            assertEquals(20, bob.messages("lobby", 20).size());
            Stack.awaitIngested(history.port(), "lobby", seqs.getLast());

            ScrapedMetrics senderAfter = ScrapedMetrics.scrape(gw1.adminPort());
            ScrapedMetrics receiverAfter = ScrapedMetrics.scrape(gw2.adminPort());
            ScrapedMetrics storeAfter = ScrapedMetrics.scrape(history.adminPort());
            assertEquals(20, increase(sender, senderAfter, "chat_gateway_messages_in_total"), "messages in");
            assertEquals(20, increase(receiver, receiverAfter, "chat_gateway_messages_out_total"), "bob's deliveries");
            assertEquals(20, increase(sender, senderAfter, "chat_gateway_kafka_produce_seconds_count"), "produce timings");
            assertTrue(senderAfter.value("chat_gateway_kafka_produce_seconds_sum") > sender.value("chat_gateway_kafka_produce_seconds_sum"));
            assertEquals(1, senderAfter.value("chat_gateway_connections"), "alice's connection");
            assertTrue(senderAfter.value("chat_gateway_outbound_queue_frames") >= 0);
            assertTrue(senderAfter.value("chat_gateway_outbound_queue_frames_max") >= 0);
            assertEquals(0, senderAfter.value("chat_gateway_connections_closed_total", "reason=\"slow_consumer\""));
            assertTrue(increase(store, storeAfter, "chat_history_messages_ingested_total") >= 20, "ingested");
            assertTrue(storeAfter.value("chat_history_lag_messages") >= 0);
            assertEquals(1, storeAfter.value("chat_history_reading"));
            assertTrue(senderAfter.value("chat_gateway_messages_in_total", "service=\"gateway\"", "instance_id=\"gw1\"") >= 20,
                "every meter names its service and instance");
        }
    }

    @Test
    void healthSaysUpAndAnythingElseIsRefused() {
        HttpResponse<String> gateway = LocalHttp.get(gw1.adminPort(), "/health");
        assertEquals(200, gateway.statusCode());
        assertTrue(gateway.body().contains("\"status\":\"up\"") && gateway.body().contains("\"gateway\":\"gw1\""),
            gateway.body());
        // The history service is up once it has polled the topic, a moment after it starts.
        HttpResponse<String> store;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((store = LocalHttp.get(history.adminPort(), "/health")).statusCode() != 200) {
            assertEquals(503, store.statusCode(), store.body());
            assertTrue(System.nanoTime() < deadline, "the history service never said it reads: " + store.body());
        }
        assertTrue(store.body().startsWith("{\"status\":\"reading\",\"lag\":"), store.body());

        assertEquals(404, LocalHttp.get(gw1.adminPort(), "/rooms").statusCode());
        HttpResponse<String> post = LocalHttp.send("POST", history.adminPort(), "/metrics");
        assertEquals(405, post.statusCode());
    }

    private static double increase(ScrapedMetrics before, ScrapedMetrics after, String name) {
        return after.value(name) - before.value(name);
    }
}
