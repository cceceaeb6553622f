package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.ServerFrame;
import chat.settings.Secret;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The requests the history client makes of the history service's API and how it reads the answers, against an HTTP
 * server that answers as that API does (docs/PROTOCOL.md, "History service API").
 */
class HistoryClientTest {
    private static final ServerFrame.Dm WAITING = new ServerFrame.Dm("Alice", "bob", "psst", "d1", 41,
        "2026-11-23T10:00:00.000Z", true);

    private static final String SECRET = "the history's shared secret";
    private final BlockingQueue<URI> asked = new ArrayBlockingQueue<>(10);
    private final BlockingQueue<String> authorizations = new ArrayBlockingQueue<>(10);
    private volatile int status = 200;
    private volatile String body = FrameCodec.encode(new HistoryPage(List.of(WAITING), true));
    private HttpServer server;
    private HistoryClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                asked.add(exchange.getRequestURI());
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        client = new HistoryClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(2),
            new Secret(SECRET));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aConversationIsAskedForAsTheSessionsAccount() throws Exception {
        client.conversation("bob", "Alice", "Hn7c-R2_w9", 77L, 20, false);
        assertEquals("/conversations/bob/Alice/messages?limit=20&account=Hn7c-R2_w9&before=77",
            asked.take().toString());
        assertEquals("Bearer " + SECRET, authorizations.take(), "the service's secret goes with every request");
    }

    @Test
    void aConversationsCompletePageWaitsForTheServiceToHaveStoredThatFar() throws Exception {
        client.conversation("bob", "Alice", "Hn7c-R2_w9", 90L, 50, true);
        assertEquals("/conversations/bob/Alice/messages?limit=50&account=Hn7c-R2_w9&before=90&wait=2000",
            asked.take().toString());
    }

    @Test
    void waitingMessagesAreAskedBelowThePositionsAndPagedOnByTheCursor() throws Exception {
        HistoryClient.WaitingPage first = client.waiting("Hn7c-R2_w9", new long[] {12, 0, 40}, null, 500);
        assertEquals("/accounts/Hn7c-R2_w9/waiting?limit=500&positions=12,0,40&wait=2000", asked.take().toString());
        assertEquals(List.of(WAITING), first.page().messages());
        assertEquals("@alice:bob@41", first.next(), "the conversation and seq of the page's last message");

        body = FrameCodec.encode(new HistoryPage(List.of(WAITING), false));
        HistoryClient.WaitingPage last = client.waiting("Hn7c-R2_w9", new long[] {12, 0, 40}, first.next(), 500);
        assertEquals("after=@alice:bob@41", asked.take().getQuery().split("&")[2]);
        assertNull(last.next(), "nothing follows the last page");
    }

    @Test
    void aServiceThatHasNotReadUpToThePositionsGivesNoPage() {
        status = 503;
        body = "{\"error\":\"the history has not read the topic up to the given positions yet\"}";
        assertThrows(HistoryClient.Unavailable.class, () -> client.waiting("acct", new long[] {1}, null, 500));
    }
}
