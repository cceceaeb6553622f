package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.Gateway;
import chat.history.HistoryService;
import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A join replays the room's history before its live messages: the last 50, or everything after the client's last
 * seq, with nothing lost or doubled between the two, even while the room is busy. On SQLite and on PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Database.class)
class JoinReplayIT {
    @Parameter
    Database database;

    @TempDir
    Path dir;

    private final String kafka = TestKafka.bootstrapServers();
    private final String topic = TestGateway.freshTopic();
    private HistoryService history;
    private Gateway gw1;
    private Gateway gw2;

    @BeforeEach
    void start() {
        history = Stack.history(kafka, topic, database.freshUrl(dir));
        gw1 = Stack.gateway(kafka, "gw1", topic, history.port());
        gw2 = Stack.gateway(kafka, "gw2", topic, history.port());
    }

    @AfterEach
    void stop() {
        gw1.close();
        gw2.close();
        history.close();
    }

    private static List<String> ids(String prefix, int from, int toExclusive) {
        return IntStream.range(from, toExclusive).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void aJoinReplaysTheLast50MessagesThenTheLiveStream() {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            alice.join("lobby");
            Stack.sayAndAwaitAcks(alice, "lobby", "m", 120);

            ChatTestClient.Replay replay = bob.joinAndReplay("lobby", null);
            assertEquals(ids("m", 70, 120), replay.ids());
            assertEquals(1, replay.frames());
            assertFalse(replay.unavailable());

            alice.say("lobby", "and now live", "live");
            assertEquals("live", bob.nextMatching(ServerFrame.Message.class, m -> true).id());
        }
    }

    @Test
    void afterReplaysExactlyWhatWasMissedInPagesOfAtMost500() {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice")) {
            alice.join("lobby");
            long lastSeen;
            try (ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
                bob.join("lobby");
                List<Long> seqs = Stack.sayAndAwaitAcks(alice, "lobby", "seen", 10);
                lastSeen = bob.messages("lobby", 10).getLast().seq();
                assertEquals(seqs.getLast(), lastSeen);
            }
            Stack.sayAndAwaitAcks(alice, "lobby", "missed", 700);

            try (ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
                ChatTestClient.Replay replay = bob.joinAndReplay("lobby", lastSeen);
                assertEquals(ids("missed", 0, 700), replay.ids());
                assertEquals(2, replay.frames(), "500 and 200");
            }
        }
    }

    @Test
    void aJoinWhileTheRoomIsFloodedSeesEveryMessageOnceInOrder() throws Exception {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            alice.join("busy");
            long before = Stack.sayAndAwaitAcks(alice, "busy", "start", 1).getFirst();
            // The flood goes on, as fast as alice can say with at most 200 messages awaiting their acks (more would fill
            // her own queue), until 100 more are said after bob's replay is over, and 1,000 at least: so the join lands
            // in the middle of it whatever the timing, and the end of the flood can only reach bob live. A flood
            // faster than the history service stores could keep a replay chasing it for as long as it lasts, so after
            // 5,000 it waits for the replay to end before its last 100.
            AtomicInteger said = new AtomicInteger();
            CountDownLatch hundredAcked = new CountDownLatch(1);
            CountDownLatch replayOver = new CountDownLatch(1);
            Thread flood = Thread.ofVirtual().start(() -> {
                int acked = 0;
                int saidAfterReplay = 0;
                for (int i = 0; saidAfterReplay < 100 || i < 1_000; i++) {
                    while (i - acked >= 200) {
                        alice.nextMatching(ServerFrame.Ack.class, a -> a.id().startsWith("f"));
                        if (++acked == 100) {
                            hundredAcked.countDown();
                        }
                    }
                    if (i == 5_000 && !awaitQuietly(replayOver)) {
                        return;
                    }
                    boolean replayWasOver = replayOver.getCount() == 0;
                    alice.say("busy", "flood " + i, "f" + i);
                    said.incrementAndGet();
                    if (replayWasOver) {
                        saidAfterReplay++;
                    }
                }
            });
            assertTrue(hundredAcked.await(20, TimeUnit.SECONDS), "100 acks of the flood");
            ChatTestClient.Replay replay = bob.joinAndReplay("busy", before);
            replayOver.countDown();
            flood.join(Duration.ofSeconds(60));
            assertFalse(flood.isAlive(), "the flood ended 100 messages after the replay");
            int total = said.get();
            List<String> seen = new ArrayList<>(replay.ids());
            assertTrue(seen.size() >= 100, "the join came after 100 acks: " + seen.size() + " replayed");
            while (seen.size() < total) {
                seen.add(bob.nextMatching(ServerFrame.Message.class, m -> m.room().equals("busy")).id());
            }
            assertEquals(ids("f", 0, total), seen);
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aReplayGoesAtThePaceTheClientReadsInsteadOfCuttingItOff() throws Exception {
        Gateway narrow = Stack.gateway(kafka, "narrow", topic, history.port(), "--outbound-queue", "8");
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             Socket carol = new Socket()) {
            alice.join("lobby");
            String filler = "x".repeat(1_000);
            for (int i = 0; i < 6_000; i++) {
                alice.say("lobby", filler, "m" + i);
            }
            long last = alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("m5999")).seq();
            Stack.awaitIngested(history.port(), "lobby", last);

            // About 6 MB of history, far more than a queue of 8 frames and the sockets' buffers hold, to a client that
            // reads nothing until the replay has to wait for it: a replay only queues history while half the queue is
            // free, so a queue more than half full means the replay is waiting on the client.
            carol.setReceiveBufferSize(4_096);
            carol.connect(new InetSocketAddress("127.0.0.1", narrow.port()));
            OutputStream out = carol.getOutputStream();
            out.write((FrameCodec.encode(new ClientFrame.Hello("carol", 1, null, null)) + "\n"
                + FrameCodec.encode(new ClientFrame.Join("lobby", -1L, "j")) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ScrapedMetrics.scrape(narrow.adminPort()).value("chat_gateway_outbound_queue_frames_max") <= 4) {
                assertTrue(System.nanoTime() < deadline, "the replay never filled carol's queue");
            }

            LineReader in = new LineReader(carol.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            List<String> replayed = new ArrayList<>();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new AssertionError("the gateway closed the connection after " + replayed.size() + " messages");
                }
                ServerFrame frame = FrameCodec.decodeServer(line);
                if (frame instanceof ServerFrame.Error error) {
                    throw new AssertionError("the replay cut the client off: " + error);
                }
                if (frame instanceof ServerFrame.History h) {
                    h.messages().forEach(m -> replayed.add(((ServerFrame.Message) m).id()));
                    if (!h.more()) {
                        break;
                    }
                }
            }
            assertEquals(ids("m", 0, 6_000), replayed);
        } finally {
            narrow.close();
        }
    }

    @Test
    void olderPagesAndDirectMessagesComeOnRequest() {
        // Nicks of their own: stored conversations are served to accounts only, and these two register theirs.
        try (ChatTestClient dora = ChatTestClient.login(gw1.port(), "dora");
             ChatTestClient eli = ChatTestClient.login(gw2.port(), "eli")) {
            for (ChatTestClient client : List.of(dora, eli)) {
                client.send(new ClientFrame.Register("correct horse battery", "r"));
                client.next(ServerFrame.Registered.class);
            }
            dora.join("lobby");
            List<Long> seqs = Stack.sayAndAwaitAcks(dora, "lobby", "m", 80);
            dora.send(new ClientFrame.Dm("eli", "psst", "d1", null));
            long dmSeq = dora.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("d1")).seq();
            Stack.awaitIngested(history.port(), "lobby", seqs.getLast());

            ChatTestClient.Replay replay = eli.joinAndReplay("lobby", null);
            assertEquals(ids("m", 30, 80), replay.ids());
            eli.send(new ClientFrame.History("lobby", null, HistoryPage.seqOf(replay.messages().getFirst()), 20, "older"));
            ServerFrame.History older = eli.nextMatching(ServerFrame.History.class, h -> "older".equals(h.ref()));
            assertEquals(ids("m", 10, 30), older.messages().stream().map(m -> ((ServerFrame.Message) m).id()).toList());
            assertTrue(older.more(), "ten older ones remain");

            awaitDmStored(eli, dmSeq);
            eli.send(new ClientFrame.History(null, "DORA", null, 50, "dms"));
            ServerFrame.History dms = eli.nextMatching(ServerFrame.History.class, h -> "dms".equals(h.ref()));
            assertEquals(List.of(new ServerFrame.Dm("dora", "eli", "psst", "d1", dmSeq,
                ((ServerFrame.Dm) dms.messages().getFirst()).ts())), dms.messages());
            assertEquals("DORA", dms.with());
            assertFalse(dms.more());
        }
    }

    /** Asks for the conversation until the direct message is in it: the ingest takes a moment. */
    private static void awaitDmStored(ChatTestClient eli, long dmSeq) {
        for (int attempt = 0; ; attempt++) {
            eli.send(new ClientFrame.History(null, "dora", null, 1, "probe" + attempt));
            String ref = "probe" + attempt;
            ServerFrame.History probe = eli.nextMatching(ServerFrame.History.class, h -> ref.equals(h.ref()));
            if (!probe.messages().isEmpty() && HistoryPage.seqOf(probe.messages().getFirst()) == dmSeq) {
                return;
            }
            if (attempt > 1_000) {
                throw new AssertionError("the direct message never reached the history");
            }
        }
    }

    @Test
    void aResumedSessionCatchesUpFromItsLastSeqWithoutGaps() {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice")) {
            alice.join("lobby");
            ChatTestClient first = ChatTestClient.connect(gw1.port());
            first.send(new ClientFrame.Hello("bob", 1, null, null));
            String token = first.next(ServerFrame.Welcome.class).session();
            first.join("lobby");
            Stack.sayAndAwaitAcks(alice, "lobby", "seen", 5);
            long lastSeen = first.messages("lobby", 5).getLast().seq();
            Stack.sayAndAwaitAcks(alice, "lobby", "unseen", 30);

            try (ChatTestClient resumed = ChatTestClient.connect(gw2.port())) {
                resumed.send(new ClientFrame.Hello("bob", 1, token, null));
                resumed.next(ServerFrame.Welcome.class);
                Stack.sayAndAwaitAcks(alice, "lobby", "during", 10);
                // Live messages of the room flow to the resumed session from its welcome on, so some may come before its
                // join is carried out, and again in the replay, which reaches up to what this connection was sent
                // live. A client shows each id once, in seq order: so does this one.
                resumed.send(new ClientFrame.Join("lobby", lastSeen, "rejoin"));
                Stack.sayAndAwaitAcks(alice, "lobby", "after", 5);
                Map<String, Long> shownAt = new HashMap<>();
                while (!shownAt.containsKey("after4")) {
                    ServerFrame frame = resumed.nextMatching(ServerFrame.class,
                        f -> f instanceof ServerFrame.Message || f instanceof ServerFrame.History);
                    List<ServerFrame> messages = frame instanceof ServerFrame.History h ? h.messages() : List.of(frame);
                    for (ServerFrame m : messages) {
                        ServerFrame.Message message = (ServerFrame.Message) m;
                        Long earlier = shownAt.putIfAbsent(message.id(), message.seq());
                        assertTrue(earlier == null || earlier == message.seq(), "an id is one message: " + message);
                    }
                }
                List<String> expected = new ArrayList<>(ids("unseen", 0, 30));
                expected.addAll(ids("during", 0, 10));
                expected.addAll(ids("after", 0, 5));
                List<String> shown = shownAt.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey).toList();
                assertEquals(expected, shown);
            } finally {
                first.close();
            }
        }
    }

    @Test
    void withoutTheHistoryServiceTheJoinSaysSoAndLiveChatGoesOn() {
        history.close();
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            assertTrue(alice.joinAndReplay("lobby", null).unavailable());
            alice.say("lobby", "before bob", "s0");
            alice.nextMatching(ServerFrame.Message.class, m -> m.id().equals("s0"));
            // Something was said that only the history holds for bob: the gateway must ask, and cannot.
            ChatTestClient.Replay replay = bob.joinAndReplay("lobby", -1L);
            assertTrue(replay.unavailable());
            assertEquals(List.of(), replay.messages());
            alice.say("lobby", "still here", "s1");
            assertEquals("s1", bob.nextMatching(ServerFrame.Message.class, m -> true).id());
        }
    }
}
