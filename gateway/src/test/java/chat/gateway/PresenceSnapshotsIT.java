package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.accounts.AccountsMain;
import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.gateway.presence.PresenceState;
import chat.gateway.presence.SnapshotCodec;
import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A gateway that starts from the newest presence snapshot holds what a gateway that followed the topic all along holds,
 * and what a replay of every record holds; records below that snapshot may be deleted, and a gateway refuses to start
 * when records above it were.
 */
class PresenceSnapshotsIT {
    private static final String PASSWORD = "correct horse battery";
    /** Often enough that the first gateway writes a snapshot within seconds of its first clients. */
    private static final String[] SNAPSHOT_EVERY_20 = {"--presence-snapshot-every", "20"};
    /** For a test of few records, which would otherwise wait for the heartbeats to make up twenty. */
    private static final String[] SNAPSHOT_EVERY_5 = {"--presence-snapshot-every", "5"};
    private static final Duration PATIENCE = ChatTestClient.TIMEOUT;

    /** What the gateways must agree on: who holds each nick, in which rooms, the accounts and the live gateways. */
    private record View(Set<PresenceState.Session> sessions, List<PresenceState.Account> accounts,
                        Map<String, String> liveGateways) {
        static View of(PresenceState state) {
            PresenceState.Snapshot snapshot = state.snapshot();
            return new View(Set.copyOf(snapshot.sessions()), snapshot.accounts(), snapshot.leases().stream()
                .collect(Collectors.toMap(PresenceState.Lease::incarnation, PresenceState.Lease::gateway)));
        }
    }

    @Test
    void aGatewayStartedFromASnapshotHoldsWhatTheGatewayBeforeItAndAReplayOfEveryRecordHold() {
        String topic = TestGateway.freshTopic();
        Gateway first = TestGateway.of("snap-first", topic).with(SNAPSHOT_EVERY_20).start(Gateway::start);
        Gateway second = null;
        List<ChatTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                ChatTestClient client = ChatTestClient.login(first.port(), "early" + i);
                clients.add(client);
                client.join("lobby");
                client.join("room-" + i);
            }
            register(clients.get(0));
            part(clients.get(1), "lobby");
            quit(clients.get(3));
            awaitHolding(first, "early1", Set.of("room-1"));
            long covered = presenceEnd(topic);
            SnapshotCodec.AtOffset snapshot = awaitSnapshot(topic, covered);

            ChatTestClient late = ChatTestClient.login(first.port(), "late");
            clients.add(late);
            late.join("lobby");
            late.join("later");
            part(clients.get(2), "room-2");
            awaitHolding(first, "late", Set.of("lobby", "later"));

            second = TestGateway.of("snap-second", topic).start(Gateway::start);
            PresenceReplay.Replayed replayed = second.presence().replayed();
            assertTrue(replayed.fromSnapshot() && replayed.from() >= snapshot.offset(), "from a snapshot: " + replayed);
            assertTrue(replayed.records() > 0, "and the records after it: " + replayed);

            Gateway a = first;
            Gateway b = second;
            View agreed = Poll.until("the gateways agree", PATIENCE, Duration.ofMillis(50),
                () -> List.of(View.of(a.presence().state()), View.of(b.presence().state())),
                views -> views.get(0).equals(views.get(1))).getFirst();
            assertEquals(agreed, Poll.until("a replay of every record agrees", PATIENCE, Duration.ofMillis(50),
                () -> List.of(View.of(a.presence().state()), View.of(replayEveryRecord(topic))),
                views -> views.get(0).equals(views.get(1))).getLast());

            PresenceState state = b.presence().state();
            assertEquals(Set.of("lobby", "room-0"), state.session("early0").rooms());
            assertEquals(state.account("early0").id(), state.session("early0").account());
            assertEquals(Set.of("room-1"), state.session("early1").rooms());
            assertEquals(Set.of("lobby"), state.session("early2").rooms());
            assertNull(state.session("early3"), "released before the snapshot");
            assertEquals(Set.of("lobby", "later"), state.session("late").rooms());
            assertEquals(Set.of(first.id(), second.id()), Set.copyOf(agreed.liveGateways().values()));
        } finally {
            clients.forEach(ChatTestClient::close);
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    @Test
    void recordsBelowTheNewestSnapshotMayBeDeletedAndAGatewayRefusesToStartWhenOneAboveItWas() throws Exception {
        String topic = TestGateway.freshTopic();
        Gateway first = TestGateway.of("keep-first", topic).with(SNAPSHOT_EVERY_5).start(Gateway::start);
        try (ChatTestClient keeper = ChatTestClient.login(first.port(), "keeper")) {
            keeper.join("kept");
            register(keeper);
            awaitHolding(first, "keeper", Set.of("kept"));
            SnapshotCodec.AtOffset snapshot = awaitSnapshot(topic, presenceEnd(topic));
            deleteRecordsBelow(topic, snapshot.offset());

            Gateway second = TestGateway.of("keep-second", topic).start(Gateway::start);
            try {
                PresenceState state = second.presence().state();
                assertEquals(Set.of("kept"), state.session("keeper").rooms());
                assertNotNull(state.account("keeper"));
                // The account tool reads the snapshot too, and finds the account registered below it.
                operator(topic, "passwd", "keeper");
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }

        // One record above the newest snapshot, then everything up to the end, deleted.
        writeHeartbeatOfNoGateway(topic);
        long newest = PresenceSnapshots.newest(TestKafka.bootstrapServers(), "test", TestGateway.presenceTopicOf(topic),
            PATIENCE).orElseThrow().offset();
        long end = presenceEnd(topic);
        assertTrue(end > newest, "a record above the newest snapshot");
        deleteRecordsBelow(topic, end);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> TestGateway.of("keep-refused", topic).start(Gateway::start).close());
        String why = rootCause(refused).getMessage();
        assertTrue(why.contains("begins at offset " + end) && why.contains("covers only the records below " + newest)
            && why.contains("does not start"), why);
    }

    @Test
    void aGatewayRefusesToStartWhenRecordsWereDeletedAndThereIsNoSnapshot() throws Exception {
        String topic = TestGateway.freshTopic();
        TestGateway.of("bare-first", topic).start(Gateway::start).close();
        long end = presenceEnd(topic);
        assertEquals(Optional.empty(), PresenceSnapshots.newest(TestKafka.bootstrapServers(), "test",
            TestGateway.presenceTopicOf(topic), PATIENCE), "no snapshot is due after a few records");
        deleteRecordsBelow(topic, end);
        String why = rootCause(assertThrows(IllegalStateException.class,
            () -> TestGateway.of("bare-refused", topic).start(Gateway::start).close())).getMessage();
        assertTrue(why.contains("begins at offset " + end) && why.contains("has no snapshot"), why);
    }

    @Test
    void theSnapshotReadIsTheOneCoveringTheMostRecordsAndOneThatDoesNotReadIsPassedOver() throws Exception {
        String topic = TestGateway.freshTopic();
        GatewayConfig config = GatewayConfig.parse(new String[] {"--kafka", TestKafka.bootstrapServers(), "--topic",
            topic, "--presence-topic", TestGateway.presenceTopicOf(topic)}, Map.of());
        Topics.ensure(config);
        PresenceState state = new PresenceState();
        state.apply(1_000, new PresenceRecord.Heartbeat("gw", "i", true));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // Two writers while the eldest changed: the later record covers fewer records.
            for (long covers : List.of(40L, 30L)) {
                producer.send(PresenceSnapshots.record(config.presenceSnapshotTopic(), covers,
                    SnapshotCodec.encode(new SnapshotCodec.AtOffset(covers, state.snapshot())))).get();
            }
            assertEquals(40, newestOffset(topic));
            // A snapshot this gateway cannot read (of a newer format, say), covering the most records.
            producer.send(PresenceSnapshots.record(config.presenceSnapshotTopic(), 50,
                "{\"v\":2}".getBytes(StandardCharsets.UTF_8))).get();
            assertEquals(40, newestOffset(topic));
        }
    }

    private static long newestOffset(String topic) {
        return PresenceSnapshots.newest(TestKafka.bootstrapServers(), "test", TestGateway.presenceTopicOf(topic),
            PATIENCE).orElseThrow().offset();
    }

    private static void register(ChatTestClient client) {
        client.send(new ClientFrame.Register(PASSWORD, "reg"));
        client.nextMatching(ServerFrame.Registered.class, r -> "reg".equals(r.ref()));
    }

    private static void part(ChatTestClient client, String room) {
        client.send(new ClientFrame.Part(room, "part-" + room));
        client.nextMatching(ServerFrame.Parted.class, p -> p.room().equals(room));
    }

    private static void quit(ChatTestClient client) {
        client.send(new ClientFrame.Quit(null));
        client.awaitClosed();
    }

    /** Waits until the gateway's state has {@code nick} held in exactly {@code rooms}. */
    private static void awaitHolding(Gateway gateway, String nick, Set<String> rooms) {
        Poll.until(nick + " in " + rooms, PATIENCE, Duration.ofMillis(20),
            () -> Optional.ofNullable(gateway.presence().state().session(nick)).map(PresenceState.Session::rooms),
            held -> held.equals(Optional.of(rooms)));
    }

    private static SnapshotCodec.AtOffset awaitSnapshot(String topic, long covering) {
        return Poll.until("a snapshot covering the records below " + covering, Duration.ofSeconds(60),
            Duration.ofMillis(100), () -> PresenceSnapshots.newest(TestKafka.bootstrapServers(), "test",
                TestGateway.presenceTopicOf(topic), PATIENCE),
            newest -> newest.isPresent() && newest.get().offset() >= covering).orElseThrow();
    }

    private static long presenceEnd(String topic) {
        TopicPartition presence = new TopicPartition(TestGateway.presenceTopicOf(topic), 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(List.of(presence), PATIENCE).get(presence);
        }
    }

    /** A fresh state given every record of the presence topic, from the first. */
    private static PresenceState replayEveryRecord(String topic) {
        TopicPartition presence = new TopicPartition(TestGateway.presenceTopicOf(topic), 0);
        PresenceState state = new PresenceState();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(presence));
            consumer.seekToBeginning(List.of(presence));
            assertEquals(0, consumer.position(presence, PATIENCE), "every record is still there");
            long end = consumer.endOffsets(List.of(presence), PATIENCE).get(presence);
            while (consumer.position(presence, PATIENCE) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    PresenceCodec.decode(record.value()).ifPresent(r -> state.apply(record.timestamp(), r));
                }
            }
        }
        return state;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Deletes the presence topic's records below {@code offset}, as its retention would. */
    private static void deleteRecordsBelow(String topic, long offset) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(TestGateway.presenceTopicOf(topic), 0),
                RecordsToDelete.beforeOffset(offset))).all().get();
        }
    }

    /** A record that changes nothing: a heartbeat of an incarnation that never started. */
    private static void writeHeartbeatOfNoGateway(String topic) throws Exception {
        PresenceRecord beat = new PresenceRecord.Heartbeat("nobody", "never-started", false);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(TestGateway.presenceTopicOf(topic), 0, PresenceCodec.key(beat),
                PresenceCodec.encode(beat))).get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Runs the account tool, which must succeed. */
    private static void operator(String topic, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", TestKafka.bootstrapServers(), "--presence-topic",
            TestGateway.presenceTopicOf(topic), "--password-stdin"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AccountsMain.run(all.toArray(String[]::new),
            new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), new PrintStream(out),
            new PrintStream(out));
        assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
