package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.LocalHttp;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Kafka stopped, a message and a new hello are refused with unavailable, nothing is acked and no nick handed out,
 * and the gateway's health says so; once Kafka is back, the resend lands, the sessions that were open still hold their
 * nicks, and the gateway is healthy again.
 */
class KafkaOutageIT {

    @Test
    void aSayWhileKafkaIsDownGetsUnavailableAndTheResendIsDeliveredOnceKafkaIsBack(@TempDir Path dir) throws Exception {
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir)) {
            Gateway gateway = TestGateway.on(kafka.bootstrapServers(), "outage", TestGateway.freshTopic())
                .with("--send-timeout-ms", "3000").start(Gateway::start);
            try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice")) {
                alice.join("ops");
                alice.say("ops", "before", "b1");
                alice.next(ServerFrame.Ack.class);
                alice.next(ServerFrame.Message.class);

                kafka.stopBroker(1);
                alice.send(new ClientFrame.Say("ops", "during", "d1", "r-d1"));
                ServerFrame.Error error = alice.next(ServerFrame.Error.class);
                assertEquals(ErrorCode.UNAVAILABLE, error.code());
                assertEquals("r-d1", error.ref());
                alice.send(new ClientFrame.Ping("alive"));
                assertEquals("alive", alice.next(ServerFrame.Pong.class).ref());
                try (ChatTestClient newcomer = ChatTestClient.connect(gateway.port())) {
                    newcomer.send(new ClientFrame.Hello("bob", 1, null, "h"));
                    ServerFrame.Error refused = newcomer.next(ServerFrame.Error.class);
                    assertEquals(ErrorCode.UNAVAILABLE, refused.code(), "no nick is handed out without the log");
                    assertEquals("h", refused.ref());
                }
                awaitHealth(gateway, 503, "no presence lease");

                kafka.startBroker(1);
                ServerFrame.Ack ack = resendUntilAcked(alice);
                ServerFrame.Message delivered = alice.nextMatching(ServerFrame.Message.class, m -> m.id().equals("d1"));
                assertEquals(ack.seq(), delivered.seq());
                assertEquals("during", delivered.text());
                awaitHealth(gateway, 200, "up");
                try (ChatTestClient impostor = ChatTestClient.connect(gateway.port())) {
                    impostor.send(new ClientFrame.Hello("alice", 1, null, null));
                    assertEquals(ErrorCode.NICK_TAKEN, impostor.next(ServerFrame.Error.class).code(),
                        "the outage did not count against alice's lease");
                }
            } finally {
                gateway.close();
            }
        }
    }

    @Test
    void aResendWhileTheFirstWriteWaitsForKafkaWritesNoSecondCopy(@TempDir Path dir) throws Exception {
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir)) {
            Gateway gateway = TestGateway.on(kafka.bootstrapServers(), "resend", TestGateway.freshTopic())
                .with("--send-timeout-ms", "60000").start(Gateway::start);
            try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice")) {
                alice.join("ops");
                kafka.stopBroker(1);
                alice.send(new ClientFrame.Say("ops", "during", "d1", "first"));
                alice.send(new ClientFrame.Say("ops", "during", "d1", "again"));
                kafka.startBroker(1);

                List<ServerFrame> seen = alice.until(f -> f instanceof ServerFrame.Message m && m.id().equals("d1"));
                alice.say("ops", "after", "a1");
                seen.addAll(alice.until(f -> f instanceof ServerFrame.Message m && m.id().equals("a1")));
                List<ServerFrame.Ack> acks = seen.stream().filter(f -> f instanceof ServerFrame.Ack a && a.id().equals("d1"))
                    .map(f -> (ServerFrame.Ack) f).toList();
                List<ServerFrame.Message> copies = seen.stream()
                    .filter(f -> f instanceof ServerFrame.Message m && m.id().equals("d1"))
                    .map(f -> (ServerFrame.Message) f).toList();
                assertEquals(1, copies.size(), "one copy delivered: " + seen);
                assertTrue(!acks.isEmpty() && acks.stream().allMatch(a -> a.seq() == copies.getFirst().seq()),
                    "every ack names the one copy: " + seen);
                assertEquals("again", acks.getLast().ref(), "the resend is answered too");
                ServerFrame.Message after = (ServerFrame.Message) seen.getLast();
                assertEquals(copies.getFirst().seq() + 1, after.seq(), "no second copy between them in the log");
            } finally {
                gateway.close();
            }
        }
    }

    /** Waits until the gateway's admin port answers {@code /health} with this status; it may take a lease. */
    private static void awaitHealth(Gateway gateway, int status, String word) {
        HttpResponse<String> health = Poll.until("/health answers " + status, Duration.ofSeconds(30),
            Duration.ofMillis(50), () -> LocalHttp.get(gateway.adminPort(), "/health"), h -> h.statusCode() == status);
        assertTrue(health.body().contains("\"status\":\"" + word + "\""), health.body());
    }

    /** Kafka's leader may take a moment to be elected after the restart: each refusal is answered with a resend. */
    private static ServerFrame.Ack resendUntilAcked(ChatTestClient client) {
        for (int attempt = 1; attempt <= 10; attempt++) {
            client.send(new ClientFrame.Say("ops", "during", "d1", "retry-" + attempt));
            ServerFrame frame = client.nextMatching(ServerFrame.class,
                f -> f instanceof ServerFrame.Ack || f instanceof ServerFrame.Error);
            if (frame instanceof ServerFrame.Ack ack) {
                return ack;
            }
            assertEquals(ErrorCode.UNAVAILABLE, ((ServerFrame.Error) frame).code());
        }
        throw new AssertionError("the resend was never acked after Kafka came back");
    }
}
