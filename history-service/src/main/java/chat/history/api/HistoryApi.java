package chat.history.api;

import chat.admin.Health;
import chat.history.ingest.Ingest;
import chat.history.store.HistoryStore;
import chat.history.store.StoreException;
import chat.protocol.ChatEvent;
import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.settings.Secret;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP query API, JSON in UTF-8 (docs/PROTOCOL.md, "History service API"):
 * <ul>
 *   <li>{@code GET /rooms/{room}/messages?after=SEQ|before=SEQ&limit=N&wait=MS}</li>
 *   <li>{@code GET /conversations/{nick}/{nick}/messages?...}, the direct messages between two nicks</li>
 *   <li>{@code GET /health}: 200 while the service reads the topic, 503 otherwise; both report the lag</li>
 * </ul>
 * Every route but {@code /health} answers only a request that presents the service's secret
 * ({@code Authorization: Bearer SECRET}), compared in constant time; any other gets 401. A service without a secret
 * (allowed on loopback only, see {@code HistoryConfig}) answers every request.
 * Each request runs on a virtual thread of its own; the store's pool bounds the queries at the database.
 * Thread-safe.
 */
public final class HistoryApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PARAMETERS = Set.of("after", "before", "limit", "wait");
    /** The longest a query may wait for the ingest to reach its {@code before}. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HistoryStore store;
    private final Ingest ingest;
    private final Timer reads;
    /** What callers must present; null for none. */
    private final Secret secret;

    private HistoryApi(HttpServer server, Secret secret, HistoryStore store, Ingest ingest, MeterRegistry registry) {
        this.server = server;
        this.secret = secret;
        this.store = store;
        this.ingest = ingest;
        this.reads = Timer.builder("chat.history.db.read")
            .description("one page read from the database for a query").publishPercentiles(0.5, 0.99).register(registry);
    }

    /** @param secret what every query must present, or null to answer every query (loopback only) */
    public static HistoryApi start(String host, int port, Secret secret, HistoryStore store, Ingest ingest,
                                   MeterRegistry registry) throws IOException {
        // The JDK's server writes a response's headers and body apart; with Nagle's algorithm on, a body that does not
        // fill a segment waits for the client's delayed ACK, some 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        HistoryApi api = new HistoryApi(server, secret, store, ingest, registry);
        server.createContext("/", api::handle);
        server.setExecutor(api.executor);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A request that cannot be answered as asked: its status and the reason, for the caller. */
    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                String[] path = exchange.getRequestURI().getRawPath().split("/", -1);
                boolean healthCheck = path.length == 2 && path[1].equals("health");
                if (!healthCheck && !authorized(exchange)) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"chat-history\"");
                    throw new Refusal(401, "present the history service's secret: Authorization: Bearer SECRET");
                }
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    throw new Refusal(405, "only GET is served: this API reads and never writes");
                }
                if (healthCheck) {
                    health(exchange);
                } else if (path.length == 4 && path[1].equals("rooms") && path[3].equals("messages")) {
                    String room = decode(path[2]);
                    if (!Limits.isValidRoom(room)) {
                        throw new Refusal(400, "room must match ^[a-z0-9][a-z0-9_-]{0,31}$");
                    }
                    page(exchange, room);
                } else if (path.length == 5 && path[1].equals("conversations") && path[4].equals("messages")) {
                    String a = decode(path[2]);
                    String b = decode(path[3]);
                    if (!Limits.isValidNick(a) || !Limits.isValidNick(b)) {
                        throw new Refusal(400, "nicks must match ^[A-Za-z][A-Za-z0-9_-]{0,19}$");
                    }
                    page(exchange, ChatEvent.conversationOf(a, b));
                } else {
                    throw new Refusal(404, "no such resource; see /rooms/{room}/messages, "
                        + "/conversations/{nick}/{nick}/messages and /health");
                }
            } catch (Refusal r) {
                ObjectNode body = JSON.createObjectNode().put("error", r.getMessage());
                respond(exchange, r.status, JSON.writeValueAsString(body));
            } catch (StoreException e) {
                ObjectNode body = JSON.createObjectNode().put("error", "the database is unavailable: " + e.getMessage());
                respond(exchange, 503, JSON.writeValueAsString(body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("request {} failed", exchange.getRequestURI(), e);
                respond(exchange, 500, "{\"error\":\"internal error\"}");
            }
        }
    }

    /** One Authorization header, of the Bearer scheme, holding the secret; anything else is refused. */
    private boolean authorized(HttpExchange exchange) {
        if (secret == null) {
            return true;
        }
        List<String> given = exchange.getRequestHeaders().get("Authorization");
        if (given == null || given.size() != 1) {
            return false;
        }
        String value = given.getFirst();
        String scheme = "Bearer ";
        return value.regionMatches(true, 0, scheme, 0, scheme.length()) && secret.matches(value.substring(scheme.length()));
    }

    private void health(HttpExchange exchange) throws IOException {
        Health health = health(ingest.status());
        respond(exchange, health.up() ? 200 : 503, JSON.writeValueAsString(health.details()));
    }

    /** The service's health, the same on this API's port and on the admin port: up while it reads the topic. */
    public static Health health(Ingest.Status status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status.reading() ? "reading" : "not reading");
        details.put("lag", status.lag());
        details.put("partitions", status.partitionsAssigned());
        if (status.problem() != null) {
            details.put("problem", status.problem());
        }
        return new Health(status.reading(), details);
    }

    private void page(HttpExchange exchange, String stream)
        throws Refusal, StoreException, InterruptedException, IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Long after = number(query, "after", -1);
        Long before = number(query, "before", 0);
        Long limit = number(query, "limit", 1);
        Long wait = number(query, "wait", 0);
        if (limit != null && limit > Limits.MAX_HISTORY_PAGE) {
            throw new Refusal(400, "limit must be 1 to " + Limits.MAX_HISTORY_PAGE);
        }
        if (wait != null && (wait > MAX_WAIT.toMillis() || before == null)) {
            throw new Refusal(400, "wait needs before, and is at most " + MAX_WAIT.toMillis() + " ms");
        }
        if (wait != null && !ingest.awaitStored(stream, before, Duration.ofMillis(wait))) {
            throw new Refusal(503, "the history has not read the topic up to seq " + before + " of this stream yet");
        }
        int pageSize = limit == null ? Limits.DEFAULT_HISTORY_PAGE : limit.intValue();
        long start = System.nanoTime();
        HistoryPage page = store.read(stream, after, before, pageSize);
        reads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        respond(exchange, 200, FrameCodec.encode(page));
    }

    private static Map<String, String> query(String raw) throws Refusal {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!PARAMETERS.contains(name)) {
                throw new Refusal(400, "unknown parameter " + name + "; known: after, before, limit, wait");
            }
            if (out.put(name, value) != null) {
                throw new Refusal(400, "parameter " + name + " is given twice");
            }
        }
        return out;
    }

    private static Long number(Map<String, String> query, String name, long least) throws Refusal {
        String value = query.get(name);
        if (value == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Refused below, with the same words as a number out of range.
        }
        throw new Refusal(400, name + " must be a whole number of at least " + least);
    }

    private static String decode(String raw) throws Refusal {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "malformed percent-encoding");
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
