package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.EventCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Joins and parts of one room race on several gateways, and every client's view of the room ends as the room is:
 * what its {@code joined} listed, changed by the {@code presence} events it got after, never announcing a member
 * twice or one it was not shown, and agreeing with {@code who} and {@code rooms}. A gateway that starts while a join
 * is not yet recorded on the presence topic lists the member once it is.
 */
class MembershipRaceIT {
    private static final int ROUNDS = 50;
    private static String topic;
    private static List<Gateway> gateways;

    @BeforeAll
    static void startGateways() {
        topic = TestGateway.freshTopic();
        gateways = List.of(
            TestGateway.of("gw1", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start),
            TestGateway.of("gw2", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start),
            TestGateway.of("gw3", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start));
    }

    @AfterAll
    static void stopGateways() {
        gateways.forEach(Gateway::close);
    }

    @ParameterizedTest(name = "on {0} gateways")
    @ValueSource(ints = {2, 3})
    void everyClientsViewOfARaceOfJoinsAndAPartEndsAsTheRoomIs(int gatewayCount) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String room = "race-" + gatewayCount + "-" + round;
            List<ChatTestClient> joiners = new ArrayList<>();
            Set<String> truth = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            try (ChatTestClient leaver = ChatTestClient.login(portOf(round), "out" + gatewayCount + "r" + round)) {
                leaver.join(room);
                for (int g = 0; g < gatewayCount; g++) {
                    String nick = "in" + gatewayCount + "r" + round + "g" + g;
                    joiners.add(ChatTestClient.login(portOf(g), nick));
                    truth.add(nick);
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> senders = new ArrayList<>();
                for (ChatTestClient joiner : joiners) {
                    senders.add(sendAt(go, joiner, new ClientFrame.Join(room, null, "race")));
                }
                senders.add(sendAt(go, leaver, new ClientFrame.Part(room, "race")));
                go.countDown();
                for (Thread sender : senders) {
                    sender.join();
                }
                leaver.nextMatching(ServerFrame.Parted.class, p -> p.room().equals(room));

                for (ChatTestClient joiner : joiners) {
                    View view = View.of(joiner, room);
                    view.followUntil(truth);
                    String where = "round " + round + ", " + view;
                    assertEquals(List.copyOf(truth), who(joiner, room), "who after the view was whole; " + where);
                    assertEquals(truth.size(), memberCount(joiner, room), "rooms count; " + where);
                }
            } finally {
                joiners.forEach(ChatTestClient::close);
            }
        }
    }

    /**
     * A join that another gateway records on the presence topic only after this gateway replayed it: this gateway
     * started reading the chat topic after the join, so only that late record can tell it the member is there.
     */
    @Test
    void aJoinRecordedOnlyAfterAGatewayStartedIsListedThere() throws Exception {
        String room = "late-record";
        try (ChatTestClient zed = ChatTestClient.login(portOf(0), "zed");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                 ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                 ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            PresenceRecord.Claim claim = claimOf("zed");
            // zed's join as a gateway writes it that records the rooms late: nobody has recorded it yet.
            ChatEvent.MemberJoined join = new ChatEvent.MemberJoined(room, "zed", claim.claim(), "slow-gateway");
            long seq = producer.send(new ProducerRecord<>(topic, EventCodec.key(join), EventCodec.encode(join))).get().offset();

            Gateway late = TestGateway.of("gw-late", topic).with(TestGateway.UNLIMITED_RATE)
                .start(Gateway::start);
            try (ChatTestClient amy = ChatTestClient.login(late.port(), "amy")) {
                assertEquals(List.of(), who(amy, room), "the late gateway has not heard of zed's join yet");
                PresenceRecord.Room joined = new PresenceRecord.Room("zed", claim.claim(),
                    new PresenceRecord.RoomChange(room, seq), true);
                producer.send(new ProducerRecord<>(TestGateway.presenceTopicOf(topic), 0, PresenceCodec.key(joined),
                    PresenceCodec.encode(joined))).get();

                assertEquals(new ServerFrame.Presence(room, "zed", "join"), presenceAfterJoining(amy, room, "zed"));
                assertEquals(List.of("amy", "zed"), who(amy, room));
            } finally {
                late.close();
            }
        }
    }

    /** Joins and returns the first presence event about {@code nick}, unless {@code joined} lists it already. */
    private static ServerFrame.Presence presenceAfterJoining(ChatTestClient client, String room, String nick) {
        client.send(new ClientFrame.Join(room, null, "j"));
        ServerFrame.Joined joined = client.nextMatching(ServerFrame.Joined.class, j -> j.room().equals(room));
        if (joined.members().contains(nick)) {
            return new ServerFrame.Presence(room, nick, "join");
        }
        ServerFrame.Presence p = client.nextMatching(ServerFrame.Presence.class, e -> e.nicks().contains(nick));
        return new ServerFrame.Presence(room, nick, p.event());
    }

    /** The claim that won the nick, read from the presence topic. */
    private static PresenceRecord.Claim claimOf(String nick) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition presence = new TopicPartition(TestGateway.presenceTopicOf(topic), 0);
            consumer.assign(List.of(presence));
            consumer.seekToBeginning(List.of(presence));
            long end = consumer.endOffsets(List.of(presence)).get(presence);
            PresenceRecord.Claim found = null;
            while (consumer.position(presence) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (PresenceCodec.decode(record.value()).orElse(null) instanceof PresenceRecord.Claim c
                        && c.nick().equals(nick)) {
                        found = c;
                    }
                }
            }
            assertNotNull(found, "a claim of " + nick);
            return found;
        }
    }

    private static int portOf(int index) {
        return gateways.get(index % gateways.size()).port();
    }

    private static Thread sendAt(CountDownLatch go, ChatTestClient client, ClientFrame frame) {
        return Thread.ofVirtual().start(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.send(frame);
        });
    }

    private static List<String> who(ChatTestClient client, String room) {
        client.send(new ClientFrame.Who(room, "who"));
        List<ServerFrame> frames = client.until(f -> f instanceof ServerFrame.Members m && "who".equals(m.ref()));
        assertTrue(frames.stream().noneMatch(f -> f instanceof ServerFrame.Presence),
            "no presence event after the view was whole: " + frames);
        return ((ServerFrame.Members) frames.getLast()).members();
    }

    private static int memberCount(ChatTestClient client, String room) {
        client.send(new ClientFrame.Rooms("rooms"));
        return client.nextMatching(ServerFrame.RoomList.class, r -> "rooms".equals(r.ref())).rooms().stream()
            .filter(r -> r.room().equals(room)).mapToInt(ServerFrame.RoomSummary::members).sum();
    }

    /** A client's view of the room: its joined's members, then each presence event applied in arrival order. */
    private static final class View {
        private final ChatTestClient client;
        private final String room;
        private final List<String> joinedMembers;
        private final Set<String> members = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        private final List<String> events = new ArrayList<>();

        private View(ChatTestClient client, String room, List<String> joinedMembers) {
            this.client = client;
            this.room = room;
            this.joinedMembers = joinedMembers;
            members.addAll(joinedMembers);
        }

        static View of(ChatTestClient client, String room) {
            ServerFrame.Joined joined = client.nextMatching(ServerFrame.Joined.class, j -> j.room().equals(room));
            return new View(client, room, joined.members());
        }

        /** Applies presence events until the view equals {@code truth}; fails on an event that contradicts the view. */
        void followUntil(Set<String> truth) {
            while (!members.equals(truth)) {
                ServerFrame.Presence p;
                try {
                    p = client.nextMatching(ServerFrame.Presence.class, e -> e.room().equals(room));
                } catch (AssertionError e) {
                    throw new AssertionError("the view never became " + truth + ": " + this, e);
                }
                for (String nick : p.nicks()) {
                    events.add(p.event() + " " + nick);
                    boolean changed = p.event().equals("join") ? members.add(nick) : members.remove(nick);
                    assertTrue(changed, "presence " + p.event() + " " + nick + " contradicts " + this);
                }
            }
        }

        @Override
        public String toString() {
            return "joined listed " + joinedMembers + ", then " + events + " (view " + members + ")";
        }
    }
}
