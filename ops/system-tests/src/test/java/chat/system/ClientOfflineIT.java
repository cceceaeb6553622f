package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.gateway.Gateway;
import chat.history.HistoryService;
import chat.protocol.ServerFrame;
import chat.testkit.TestDatabase;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the client says while no gateway answers waits, queued, and goes once one does: it is acked and stored once.
 */
class ClientOfflineIT {
    @TempDir
    Path dir;

    @Test
    void messagesSaidWhileNoGatewayAnswersAreQueuedThenSentOnceOneDoes() throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Semaphore changes = new Semaphore(0);
        List<Failover.State> states = new CopyOnWriteArrayList<>();
        ChatSession.Listener listener = new ChatSession.Listener() {
            @Override
            public void changed(String stream) {
                changes.release();
            }

            @Override
            public void state(Failover.State state) {
                states.add(state);
                changes.release();
            }
        };
        try (HistoryService history = Stack.history(kafka, topic, TestDatabase.sqliteUrl(dir));
             ChatSession alice = new ChatSession("alice", List.of(new Failover.Gateway("127.0.0.1", port)),
                 Clock.systemUTC(), new SplittableRandom(1), listener)) {
            alice.start();
            alice.join("ops");
            alice.say("ops", "typed offline");
            alice.say("ops", "and a second\nof two lines");
            await(alice, changes, "no gateway answering", a -> states.stream().anyMatch(st -> st instanceof Failover.State.Waiting));
            assertEquals(List.of(Timeline.State.QUEUED, Timeline.State.QUEUED), states(alice));

            try (Gateway gateway = Stack.gateway(kafka, "gw1", topic, history.port(), "--port", Integer.toString(port))) {
                await(alice, changes, "both sent and acked",
                    a -> states(a).equals(List.of(Timeline.State.CONFIRMED, Timeline.State.CONFIRMED)));
                long lastSeq = alice.entries("ops").stream().filter(e -> !e.isNotice()).mapToLong(Timeline.Entry::seq)
                    .max().orElseThrow();
                Stack.awaitIngested(history.port(), "ops", lastSeq);
                assertEquals(List.of("typed offline", "and a second\nof two lines"),
                    Stack.storedMessages(history.port(), "ops").stream().map(ServerFrame.Message::text).toList(),
                    "each once, newline and all");
            }
        }
    }

    private static List<Timeline.State> states(ChatSession session) {
        return session.entries("ops").stream().filter(e -> !e.isNotice()).map(Timeline.Entry::state).toList();
    }

    private static void await(ChatSession session, Semaphore changes, String what, Predicate<ChatSession> done)
        throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.test(session)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("never " + what + ": " + session.entries("ops"));
            }
            changes.tryAcquire(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }
}
