package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.history.HistoryService;
import chat.testkit.JavaProcess;
import chat.testkit.Paced;
import chat.testkit.TestDatabase;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clients talk in a room while a stream of messages flows; the gateway of one of them is killed (SIGKILL) or
 * frozen (SIGSTOP). That client moves to the other gateway by itself, and in the end both show every message exactly
 * once, in the same order.
 */
class ClientFailoverIT {
    private static final int ALICE_SAYS = 200;
    private static final int BOB_SAYS = 50;

    @TempDir
    Path dir;

    @Test
    void aClientWhoseGatewayIsKilledMovesOnAndShowsEveryMessageOnce() throws Exception {
        talkThroughTheLossOfAGateway(false);
    }

    @Test
    void aClientWhoseGatewayFreezesMovesOnAndShowsEveryMessageOnce() throws Exception {
        talkThroughTheLossOfAGateway(true);
    }

    private void talkThroughTheLossOfAGateway(boolean freeze) throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, TestDatabase.sqliteUrl(dir));
             JavaProcess gw1 = Stack.gatewayOf(kafka, "gw1", topic, history.port()).startProcess(Path.of("target"));
             JavaProcess gw2 = Stack.gatewayOf(kafka, "gw2", topic, history.port()).startProcess(Path.of("target"))) {
            Failover.Gateway g1 = new Failover.Gateway("127.0.0.1", gw1.port());
            Failover.Gateway g2 = new Failover.Gateway("127.0.0.1", gw2.port());
            Semaphore changes = new Semaphore(0);
            ChatSession.Listener onChange = listening(changes, new CopyOnWriteArrayList<>());
            List<Failover.State> aliceStates = new CopyOnWriteArrayList<>();
            ChatSession.Listener aliceListener = listening(changes, aliceStates);
            try (ChatSession alice = new ChatSession("alice", List.of(g1, g2), Clock.systemUTC(), new SplittableRandom(1), aliceListener);
                 ChatSession bob = new ChatSession("bob", List.of(g2, g1), Clock.systemUTC(), new SplittableRandom(2), onChange)) {
                alice.start();
                bob.start();
                alice.join("ops");
                bob.join("ops");
                try (Paced aliceTalks = talk(alice, "from alice", ALICE_SAYS);
                     Paced bobTalks = talk(bob, "from bob", BOB_SAYS)) {
                    awaitShown(alice, changes, 40, false);
                    if (freeze) {
                        gw1.freeze();
                    } else {
                        gw1.kill();
                    }
                    assertEquals(ALICE_SAYS, aliceTalks.await(Duration.ofSeconds(60)));
                    assertEquals(BOB_SAYS, bobTalks.await(Duration.ofSeconds(60)));
                }

                List<String> aliceShows = awaitShown(alice, changes, ALICE_SAYS + BOB_SAYS, true);
                List<String> bobShows = awaitShown(bob, changes, ALICE_SAYS + BOB_SAYS, true);
                assertEquals(ALICE_SAYS + BOB_SAYS, new HashSet<>(aliceShows).size(), "each once");
                assertEquals(aliceShows, bobShows, "both show the same messages in the same order");
                assertEquals(new Failover.State.Connected(g1), aliceStates.stream()
                    .filter(st -> st instanceof Failover.State.Connected).findFirst().orElseThrow());
                assertTrue(aliceStates.stream().anyMatch(st -> st instanceof Failover.State.Waiting w && w.next().equals(g2)),
                    "alice lost gw1 and waited to try gw2: " + aliceStates);
                assertEquals(new Failover.State.Connected(g2), aliceStates.getLast());
                if (freeze) {
                    // A newcomer whose list starts with the frozen gateway: its kernel takes the connection, nothing
                    // welcomes it, and the client moves on to the next.
                    try (ChatSession carol = new ChatSession("carol", List.of(g1, g2), Clock.systemUTC(),
                        new SplittableRandom(3), onChange)) {
                        carol.start();
                        carol.join("ops");
                        assertEquals(aliceShows.subList(aliceShows.size() - 50, aliceShows.size()),
                            awaitShown(carol, changes, 50, true), "the last 50, through the live gateway");
                    }
                }
            } finally {
                gw1.kill();
            }
        }
    }

    /** A listener that counts each change on {@code changes} and keeps each state of the connection in {@code states}. */
    static ChatSession.Listener listening(Semaphore changes, List<Failover.State> states) {
        return new ChatSession.Listener() {
            @Override
            public void changed(String stream) {
                changes.release();
            }

            @Override
            public void state(Failover.State state) {
                states.add(state);
            }
        };
    }

    /** Says {@code count} messages, one every 20 ms: a lively room, not a flood. */
    static Paced talk(ChatSession session, String text, int count) {
        return Paced.every(Duration.ofMillis(20), i -> {
            session.say("ops", text + " " + i);
            return i + 1 < count;
        });
    }

    /**
     * Waits, on the session's change notices, until the room shows {@code count} acked messages (and, when
     * {@code settled}, nothing still waiting for its ack); their senders and texts, in the order shown, without the
     * client's notices.
     */
    static List<String> awaitShown(ChatSession session, Semaphore changes, int count, boolean settled)
        throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            List<Timeline.Entry> entries = session.entries("ops");
            List<String> confirmed = new ArrayList<>();
            int waiting = 0;
            for (Timeline.Entry e : entries) {
                switch (e.state()) {
                    case CONFIRMED -> confirmed.add(e.from() + ": " + e.text());
                    case PENDING, FAILED -> waiting++;
                    case NOTICE -> {
                        // Presence changes and the like: no message.
                    }
                }
            }
            if (confirmed.size() >= count && (!settled || waiting == 0)) {
                return confirmed;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("shows " + confirmed.size() + " of " + count + " (" + entries.size() + " in all): "
                    + entries.stream().map(e -> e.seq() + " " + e.from() + ": " + e.text()).toList());
            }
            changes.tryAcquire(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }
}
