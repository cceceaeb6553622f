package chat.system;

import chat.gateway.Gateway;
import chat.history.HistoryConfig;
import chat.history.HistoryMain;
import chat.history.HistoryService;
import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.JavaProcess;
import chat.testkit.LocalHttp;
import chat.testkit.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the parts of the chat for a test: gateways and history services on free ports, on one topic. The history
 * services ask the secret of one test run, and the gateways present it, as deployed.
 */
final class Stack {
    private static final String SECRET = "stack-" + UUID.randomUUID();
    private static final Path SECRET_FILE = writeSecret();

    private Stack() {}

    private static Path writeSecret() {
        try {
            Path file = Files.createTempFile("history-secret-", "");
            file.toFile().deleteOnExit();
            return Files.writeString(file, SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gateway's flags to present the history services' secret. */
    private static List<String> historySecretArgs() {
        return List.of("--history-secret-file", SECRET_FILE.toString());
    }

    /**
     * A gateway of the stack: it asks the history service on {@code historyPort}, presenting the run's secret, and
     * limits no one's rate (these tests talk faster than people).
     */
    static TestGateway gatewayOf(String kafka, String id, String topic, int historyPort) {
        return TestGateway.on(kafka, id, topic).history(historyUrl(historyPort)).with(TestGateway.UNLIMITED_RATE)
            .with(historySecretArgs());
    }

    /** That gateway in the test's JVM, with the test's own flags. */
    static Gateway gateway(String kafka, String id, String topic, int historyPort, String... extraArgs) {
        return gatewayOf(kafka, id, topic, historyPort).with(extraArgs)
            .start(Gateway::start);
    }

    static List<String> historyArgs(String kafka, String topic, String dbUrl, int port) {
        return List.of("--kafka", kafka, "--topic", topic, "--group", topic + "-history", "--db-url", dbUrl,
            "--port", Integer.toString(port), "--admin-port", "0", "--api-secret-file", SECRET_FILE.toString());
    }

    static HistoryService history(String kafka, String topic, String dbUrl) {
        return history(kafka, topic, dbUrl, 0);
    }

    static HistoryService history(String kafka, String topic, String dbUrl, int port) {
        try {
            return HistoryService.start(HistoryConfig.parse(historyArgs(kafka, topic, dbUrl, port).toArray(String[]::new),
                Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException("history service did not start", e);
        }
    }

    /** A history service in a JVM of its own, to be killed with SIGKILL. */
    static JavaProcess historyProcess(String name, String kafka, String topic, String dbUrl, Path logDir) {
        return JavaProcess.start(name, HistoryMain.class, historyArgs(kafka, topic, dbUrl, 0), logDir);
    }

    static String historyUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** GET on the history API: the status and the body. */
    static HttpResponse<String> get(int historyPort, String pathAndQuery) {
        return LocalHttp.send("GET", historyPort, pathAndQuery, "Authorization", "Bearer " + SECRET);
    }

    /** Every stored message of a room, oldest first, read page by page through the API. */
    static List<ServerFrame.Message> storedMessages(int historyPort, String room) {
        List<ServerFrame.Message> out = new ArrayList<>();
        long after = -1;
        while (true) {
            HttpResponse<String> response = get(historyPort, "/rooms/" + room + "/messages?after=" + after + "&limit=500");
            if (response.statusCode() != 200) {
                throw new AssertionError("history answered " + response.statusCode() + ": " + response.body());
            }
            HistoryPage page;
            try {
                page = FrameCodec.decodeHistoryPage(response.body());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            page.messages().forEach(m -> out.add((ServerFrame.Message) m));
            after = page.lastSeq(after);
            if (!page.more()) {
                return out;
            }
        }
    }

    /** Waits, through the API's own wait, until the history service has read the room up to {@code seq}. */
    static void awaitIngested(int historyPort, String room, long seq) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> response;
        while ((response = get(historyPort, "/rooms/" + room + "/messages?limit=1&wait=10000&before=" + (seq + 1)))
            .statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the history never read " + room + " up to " + seq + ": " + response.body());
            }
        }
    }

    /** Waits until the history service has read the direct conversation of two nicks up to {@code seq}. */
    static void awaitIngestedConversation(int historyPort, String nick, String other, long seq) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // The wait is the partition's; the account filters the page, which this does not read.
        String path = "/conversations/" + nick + "/" + other + "/messages?account=none&limit=1&wait=10000&before=" + (seq + 1);
        HttpResponse<String> response;
        while ((response = get(historyPort, path)).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the history never read @" + nick + ":" + other + " up to " + seq + ": "
                    + response.body());
            }
        }
    }

    /** Says {@code count} messages with ids {@code prefix0...}, then returns the acks' seqs in order. */
    static List<Long> sayAndAwaitAcks(ChatTestClient client, String room, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            client.say(room, prefix + " text " + i, prefix + i);
        }
        Map<String, Long> acked = new HashMap<>();
        while (acked.size() < count) {
            ServerFrame.Ack ack = client.nextMatching(ServerFrame.Ack.class, a -> a.id().startsWith(prefix));
            acked.put(ack.id(), ack.seq());
        }
        List<Long> seqs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            seqs.add(acked.get(prefix + i));
        }
        return seqs;
    }
}
