package chat.history.api;

import chat.admin.Health;
import chat.admin.HttpResponses;
import chat.history.ingest.Ingest;
import chat.history.store.AccountId;
import chat.history.store.HistoryStore;
import chat.history.store.StoreException;
import chat.history.store.WaitingCursor;
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
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP query API, JSON in UTF-8 (docs/PROTOCOL.md, "History service API"):
 * <ul>
 *   <li>{@code GET /rooms/{room}/messages?after=SEQ|before=SEQ&limit=N&wait=MS}</li>
 *   <li>{@code GET /conversations/{nick}/{with}/messages?account=ID&...}, the direct messages between two nicks in
 *   which {@code nick}'s side is the account {@code ID}</li>
 *   <li>{@code GET /accounts/{account}/waiting?positions=P0,P1,...&after=STREAM@SEQ&limit=N&wait=MS}, the direct
 *   messages waiting for the account's next sign-in</li>
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
    private static final Set<String> PAGE_PARAMETERS = Set.of("after", "before", "limit", "wait");
    private static final Set<String> CONVERSATION_PARAMETERS = Set.of("account", "after", "before", "limit", "wait");
    private static final Set<String> WAITING_PARAMETERS = Set.of("positions", "after", "limit", "wait");
    private static final String ACCOUNT_RULE = "an account id is 1 to " + AccountId.MAX_LENGTH
        + " characters of [A-Za-z0-9_-]";
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
                    Map<String, String> query = query(exchange, PAGE_PARAMETERS);
                    page(exchange, query, room, (after, before, limit) -> store.read(room, after, before, limit));
                } else if (path.length == 5 && path[1].equals("conversations") && path[4].equals("messages")) {
                    String nick = decode(path[2]);
                    String with = decode(path[3]);
                    if (!Limits.isValidNick(nick) || !Limits.isValidNick(with)) {
                        throw new Refusal(400, "nicks must match ^[A-Za-z][A-Za-z0-9_-]{0,19}$");
                    }
                    Map<String, String> query = query(exchange, CONVERSATION_PARAMETERS);
                    String account = query.get("account");
                    if (!AccountId.isValid(account)) {
                        throw new Refusal(400, "account is required: the account of " + nick
                            + "'s side whose messages are asked for; " + ACCOUNT_RULE);
                    }
                    String conversation = ChatEvent.conversationOf(nick, with);
                    page(exchange, query, conversation, (after, before, limit) ->
                        store.readConversation(conversation, nick, account, after, before, limit));
                } else if (path.length == 4 && path[1].equals("accounts") && path[3].equals("waiting")) {
                    String account = decode(path[2]);
                    if (!AccountId.isValid(account)) {
                        throw new Refusal(400, ACCOUNT_RULE);
                    }
                    waiting(exchange, account);
                } else {
                    throw new Refusal(404, "no such resource; see /rooms/{room}/messages, "
                        + "/conversations/{nick}/{with}/messages, /accounts/{account}/waiting and /health");
                }
            } catch (Refusal r) {
                ObjectNode body = JSON.createObjectNode().put("error", r.getMessage());
                HttpResponses.json(exchange, r.status, JSON.writeValueAsString(body));
            } catch (StoreException e) {
                ObjectNode body = JSON.createObjectNode().put("error", "the database is unavailable: " + e.getMessage());
                HttpResponses.json(exchange, 503, JSON.writeValueAsString(body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("request {} failed", exchange.getRequestURI(), e);
                HttpResponses.json(exchange, 500, "{\"error\":\"internal error\"}");
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
        HttpResponses.json(exchange, health.up() ? 200 : 503, JSON.writeValueAsString(health.details()));
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

    /** Reads a page of a stream; the same paging whatever rows the stream's query selects. */
    private interface PageQuery {
        HistoryPage read(Long after, Long before, int limit) throws StoreException;
    }

    private void page(HttpExchange exchange, Map<String, String> query, String stream, PageQuery pageQuery)
        throws Refusal, StoreException, InterruptedException, IOException {
        Long after = number(query, "after", -1);
        Long before = number(query, "before", 0);
        int pageSize = limit(query, Limits.DEFAULT_HISTORY_PAGE);
        Long wait = waitMillis(query);
        if (wait != null && before == null) {
            throw new Refusal(400, "wait needs before, and is at most " + MAX_WAIT.toMillis() + " ms");
        }
        if (wait != null && !ingest.awaitStored(stream, before, Duration.ofMillis(wait))) {
            throw new Refusal(503, "the history has not read the topic up to seq " + before + " of this stream yet");
        }
        long start = System.nanoTime();
        HistoryPage page = pageQuery.read(after, before, pageSize);
        reads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        HttpResponses.json(exchange, 200, FrameCodec.encode(page));
    }

    /**
     * The direct messages waiting for {@code account}, below the asker's position in each partition: the asker
     * receives those from its positions on live.
     */
    private void waiting(HttpExchange exchange, String account)
        throws Refusal, StoreException, InterruptedException, IOException {
        Map<String, String> query = query(exchange, WAITING_PARAMETERS);
        int pageSize = limit(query, Limits.MAX_HISTORY_PAGE);
        Long wait = waitMillis(query);
        WaitingCursor after = cursor(query.get("after"));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait == null ? 0 : wait);
        int partitions = ingest.partitionCount(Duration.ofMillis(wait == null ? 0 : wait));
        if (partitions == 0) {
            throw new Refusal(503, "the history does not know the topic's partitions yet");
        }
        long[] positions = positions(query.get("positions"), partitions);
        if (wait != null && !ingest.awaitStored(positions, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            throw new Refusal(503, "the history has not read the topic up to the given positions yet");
        }
        long start = System.nanoTime();
        HistoryPage page = store.waiting(account, positions, after, pageSize);
        reads.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        HttpResponses.json(exchange, 200, FrameCodec.encode(page));
    }

    /** One offset for each of the topic's {@code partitions}, in partition order, comma-separated. */
    private static long[] positions(String value, int partitions) throws Refusal {
        String rule = "positions is required: " + partitions + " offsets, one for each partition of the topic in"
            + " partition order, separated by commas";
        if (value == null) {
            throw new Refusal(400, rule);
        }
        // At most one more than wanted is split off, so a long list costs no more than a right one.
        String[] parts = value.split(",", partitions + 1);
        if (parts.length != partitions) {
            throw new Refusal(400, rule);
        }
        long[] positions = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            try {
                positions[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                positions[i] = -1;
            }
            if (positions[i] < 0) {
                throw new Refusal(400, rule + "; each offset a whole number of at least 0");
            }
        }
        return positions;
    }

    /** {@code STREAM@SEQ}: the stream and seq of the last message of the page before, or null for the first page. */
    private static WaitingCursor cursor(String value) throws Refusal {
        if (value == null) {
            return null;
        }
        int at = value.lastIndexOf('@');
        if (at > 0 && at < value.length() - 1 && at <= 64) {
            try {
                long seq = Long.parseLong(value.substring(at + 1));
                if (seq >= 0) {
                    return new WaitingCursor(value.substring(0, at), seq);
                }
            } catch (NumberFormatException e) {
                // Refused below.
            }
        }
        throw new Refusal(400, "after must be STREAM@SEQ: the conversation and seq of the last message of the page"
            + " before");
    }

    private static int limit(Map<String, String> query, int otherwise) throws Refusal {
        Long limit = number(query, "limit", 1);
        if (limit != null && limit > Limits.MAX_HISTORY_PAGE) {
            throw new Refusal(400, "limit must be 1 to " + Limits.MAX_HISTORY_PAGE);
        }
        return limit == null ? otherwise : limit.intValue();
    }

    private static Long waitMillis(Map<String, String> query) throws Refusal {
        Long wait = number(query, "wait", 0);
        if (wait != null && wait > MAX_WAIT.toMillis()) {
            throw new Refusal(400, "wait is at most " + MAX_WAIT.toMillis() + " ms");
        }
        return wait;
    }

    private static Map<String, String> query(HttpExchange exchange, Set<String> known) throws Refusal {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!known.contains(name)) {
                throw new Refusal(400, "unknown parameter " + name + "; known: " + String.join(", ", new TreeSet<>(known)));
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

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
