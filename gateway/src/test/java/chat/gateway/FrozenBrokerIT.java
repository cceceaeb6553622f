package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.Paced;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that stops answering without closing its sockets (SIGSTOP of the chat partition's leader, on a cluster of
 * three nodes of the test's own): the cluster elects another leader, and the gateway's clients, whose requests to the
 * frozen broker get no answer, give up on it and move there. Every message said meanwhile is acked, or refused with
 * {@code unavailable} and acked when said again under its id, and each reaches the room's other member once and in
 * order; once the leader is replaced the gateway takes and delivers messages as before.
 */
class FrozenBrokerIT {
    private static final String ROOM = "ops";
    /** Messages said while the leader is frozen, one every {@link #EVERY}: their acks span the failover. */
    private static final int DURING = 20;
    private static final Duration EVERY = Duration.ofMillis(150);

    @Test
    void messagesSaidWhileThePartitionLeaderIsFrozenAreAckedAndDeliveredOnce(@TempDir Path dir) throws Exception {
        try (LocalKafkaCluster kafka = LocalKafkaCluster.start(new LocalKafkaCluster.Settings(dir.resolve("data"), 3, 0,
            dir.resolve("logs")))) {
            String topic = TestGateway.freshTopic();
            // One partition, so that the frozen leader is the room's; three replicas, two of them in sync to ack.
            Gateway gateway = TestGateway.on(kafka.bootstrapServers(), "frozen", topic).with("--partitions", "1",
                "--replication", "3").start(Gateway::start);
            try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice");
                 ChatTestClient bob = ChatTestClient.login(gateway.port(), "bob")) {
                alice.join(ROOM);
                bob.join(ROOM);
                alice.say(ROOM, "before", "m-before");
                alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("m-before"));

                int frozen = leader(kafka, topic);
                kafka.pauseBroker(frozen);
                try (Paced saying = Paced.every(EVERY, i -> {
                    alice.send(new ClientFrame.Say(ROOM, "said while kafka-" + frozen + " is frozen", "m-" + i, "m-" + i));
                    return i < DURING - 1;
                })) {
                    saying.await(Duration.ofSeconds(30));
                }
                List<String> ids = new ArrayList<>(List.of("m-before"));
                for (int i = 0; i < DURING; i++) {
                    ids.add("m-" + i);
                }
                Set<String> refused = new LinkedHashSet<>();
                for (int i = 0; i < DURING; i++) {
                    ServerFrame answer = alice.nextMatching(ServerFrame.class, f -> f instanceof ServerFrame.Ack
                        || f instanceof ServerFrame.Error);
                    if (answer instanceof ServerFrame.Error error) {
                        assertEquals(ErrorCode.UNAVAILABLE, error.code(), "the only refusal is unavailable: " + error);
                        refused.add(error.ref());
                    }
                }
                for (String id : refused) {
                    alice.send(new ClientFrame.Say(ROOM, "said again", id, "again-" + id));
                    alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals(id));
                }
                int now = leader(kafka, topic);
                assertNotEquals(frozen, now, "another node leads the partition while kafka-" + frozen + " is frozen");
                alice.say(ROOM, "after", "m-after");
                alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("m-after"));
                ids.add("m-after");

                assertEquals(ids, bob.messages(ROOM, ids.size()).stream().map(ServerFrame.Message::id).toList(),
                    "bob has every message once, in order");
                System.out.printf("FrozenBrokerIT: kafka-%d frozen; kafka-%d leads now; %d of %d messages said meanwhile"
                    + " were refused as unavailable and acked when said again%n", frozen, now, refused.size(), DURING);
            } finally {
                gateway.close();
            }
        }
    }

    private static int leader(LocalKafkaCluster kafka, String topic) {
        return Poll.until("a leader of " + topic, Duration.ofSeconds(30), Duration.ofMillis(100),
            () -> kafka.leaderOf(topic, 0), Optional::isPresent).orElseThrow();
    }
}
