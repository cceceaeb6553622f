package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ChatPartitions;
import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Partitions added to the chat topic while a gateway runs: the gateway reads them and writes to them, and a join of a
 * room that now lies in one of them gets its replay boundary in that partition, whether the join is written or a
 * resumed session's.
 */
class AddedPartitionsIT {
    private static final int BEFORE = 3;
    private static final int AFTER = 6;
    private static final Duration LEARNING = Duration.ofSeconds(30);

    @Test
    void aRoomOfAPartitionAddedWhileTheGatewayRunsIsJoinedAtItsBoundaryInThatPartition() throws Exception {
        String topic = TestGateway.freshTopic();
        String room = roomOfAnAddedPartition();
        TopicPartition added = new TopicPartition(topic, ChatPartitions.of(room, AFTER));
        try (Gateway gateway = TestGateway.of("grown", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
             KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(
                 Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                 new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice")) {
            alice.join(room);
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(AFTER))).all().get();
            reader.assign(List.of(added));
            reader.seekToBeginning(List.of(added));

            // The gateway goes on writing the room where it read it until its fan-out reads the added partitions.
            long deadline = System.nanoTime() + LEARNING.toNanos();
            boolean movedThere = false;
            for (int probe = 0; !movedThere; probe++) {
                assertTrue(System.nanoTime() < deadline, "the gateway never wrote to the added partition " + added);
                alice.say(room, "probe", "probe-" + probe);
                alice.nextMatching(ServerFrame.Ack.class, a -> true);
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    movedThere |= room.equals(new String(record.key(), StandardCharsets.UTF_8));
                }
            }

            alice.say(room, "first", "m1");
            long first = alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("m1")).seq();
            try (ChatTestClient bob = ChatTestClient.connect(gateway.port())) {
                bob.send(new ClientFrame.Hello("bob", 1, null, null));
                String token = bob.next(ServerFrame.Welcome.class).session();
                assertEquals(first + 1, bob.join(room).live(), "bob's join follows m1 in the room's partition");

                alice.say(room, "second", "m2");
                long second = alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("m2")).seq();
                assertEquals(second, bob.nextMatching(ServerFrame.Message.class, m -> m.id().equals("m2")).seq());

                try (ChatTestClient resumed = ChatTestClient.connect(gateway.port())) {
                    resumed.send(new ClientFrame.Hello("bob", 1, token, null));
                    resumed.next(ServerFrame.Welcome.class);
                    ChatTestClient.Replay rejoin = resumed.joinAndReplay(room, first);
                    assertEquals(second + 1, rejoin.joined().live(),
                        "a resumed member's boundary is the fan-out's position in the room's new partition");

                    alice.say(room, "third", "m3");
                    ServerFrame.Message third = resumed.nextMatching(ServerFrame.Message.class, m -> m.room().equals(room));
                    assertEquals("m3", third.id(), "the first live message after the boundary is the next one said");
                    assertEquals(rejoin.joined().live(), third.seq(), "it is the first of the partition above the boundary");
                }
            }
        }
    }

    /** A room that lies in one of the partitions the test adds. */
    private static String roomOfAnAddedPartition() {
        for (int n = 0; ; n++) {
            String room = "grown-" + n;
            if (ChatPartitions.of(room, AFTER) >= BEFORE) {
                return room;
            }
        }
    }
}
