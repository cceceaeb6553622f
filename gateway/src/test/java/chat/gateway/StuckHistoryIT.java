package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A history service that takes connections and requests and never answers holds up nobody: a join's replay ends with
 * {@code history {unavailable: true}} once the gateway stops waiting (its history timeout for the service to read up
 * to the join, and as long again to answer), the messages said meanwhile follow it, and while the replay waits,
 * another client joins a room, sends a direct message and says a message, each answered at once.
 */
class StuckHistoryIT {
    /** Short, so that the test is; long beside the few Kafka round trips the others' frames take meanwhile. */
    private static final Duration HISTORY_TIMEOUT = Duration.ofMillis(2_500);

    @Test
    void aJoinsReplayEndsUnavailableAndNobodyWaitsForAHistoryServiceThatNeverAnswers() throws Exception {
        try (SilentServer history = new SilentServer()) {
            Gateway gateway = TestGateway.of("stuck-history", TestGateway.freshTopic())
                .history("http://127.0.0.1:" + history.port())
                .with("--history-timeout-ms", Long.toString(HISTORY_TIMEOUT.toMillis())).start(Gateway::start);
            try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice");
                 ChatTestClient bob = ChatTestClient.login(gateway.port(), "bob");
                 ChatTestClient carol = ChatTestClient.login(gateway.port(), "carol")) {
                long joinedAt = System.nanoTime();
                alice.send(new ClientFrame.Join("lobby", null, "a-join"));
                alice.nextMatching(ServerFrame.Joined.class, j -> j.room().equals("lobby"));
                Poll.until("the history service holding alice's replay", Duration.ofSeconds(10), Duration.ofMillis(10),
                    history::requests, requests -> requests.stream().anyMatch(r -> r.contains("/rooms/lobby/")));

                // While it holds alice's replay: another client's join, direct message and message.
                bob.send(new ClientFrame.Join("side", null, "b-join"));
                bob.nextMatching(ServerFrame.Joined.class, j -> j.room().equals("side"));
                bob.send(new ClientFrame.Dm("carol", "psst", "d1", "b-dm"));
                assertEquals("d1", bob.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("d1")).id());
                assertEquals("psst", carol.nextMatching(ServerFrame.Dm.class, d -> d.id().equals("d1")).text());
                bob.send(new ClientFrame.Join("lobby", null, "b-lobby"));
                bob.nextMatching(ServerFrame.Joined.class, j -> j.room().equals("lobby"));
                bob.say("lobby", "hi alice", "b1");
                bob.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("b1"));
                assertFalse(alice.holds(f -> f instanceof ServerFrame.History),
                    "bob was answered while alice's replay still waited for the history service");

                ServerFrame.History replay = alice.nextMatching(ServerFrame.History.class, h -> "lobby".equals(h.room()));
                long waitedMillis = (System.nanoTime() - joinedAt) / 1_000_000;
                assertTrue(replay.unavailable(), "the replay says the history was unavailable: " + replay);
                assertEquals(List.of(), replay.messages());
                assertFalse(replay.more());
                assertEquals("a-join", replay.ref());
                assertEquals("b1", alice.nextMatching(ServerFrame.Message.class, m -> m.room().equals("lobby")).id(),
                    "the message said while the replay waited follows it");
                System.out.printf("StuckHistoryIT: alice's replay ended unavailable %d ms after her join (history"
                    + " timeout %d ms)%n", waitedMillis, HISTORY_TIMEOUT.toMillis());
            } finally {
                gateway.close();
            }
        }
    }

    /** Takes connections and reads what comes on them, and never writes a byte. Thread-safe. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        /** The first line of every request read, in order. */
        private final List<String> requests = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("silent-history-acceptor").start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void accept() {
            try {
                while (true) {
                    Socket connection = socket.accept();
                    accepted.add(connection);
                    Thread.ofVirtual().name("silent-history-reader").start(() -> read(connection));
                }
            } catch (IOException closed) {
                // close() ends the acceptor.
            }
        }

        private void read(Socket connection) {
            StringBuilder line = new StringBuilder();
            try (InputStream in = connection.getInputStream()) {
                int b;
                while ((b = in.read()) != -1) {
                    if (b == '\n') {
                        if (line.toString().startsWith("GET ")) {
                            requests.add(line.toString().strip());
                        }
                        line.setLength(0);
                    } else if (line.length() < 8_192) {
                        line.append((char) b);
                    }
                }
            } catch (IOException gone) {
                // The gateway gave up on the request.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
