package chat.gateway;

import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.ProtocolException;
import chat.settings.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the history service's HTTP API for pages of stored messages (docs/PROTOCOL.md, "History service API").
 * Blocking: callers run it on virtual threads of their own. Thread-safe.
 */
final class HistoryClient {
    /** The history service could not give the page: down, too slow, behind the topic, or answering nonsense. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    /** Presented on every request; null when the service asks for none. */
    private final Secret secret;

    HistoryClient(URI base, Duration timeout, Secret secret) {
        this.base = base;
        this.secret = secret;
        this.timeout = timeout;
        // Plain HTTP/1.1 with kept-alive connections: no HTTP/2 upgrade to offer a server that does not speak it.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /**
     * A page of a room, as {@code GET /rooms/{room}/messages}. With {@code complete}, the service first waits (up to
     * the timeout) until it has read the topic up to {@code before}, so the page misses nothing below it.
     */
    HistoryPage room(String room, Long after, Long before, int limit, boolean complete) throws Unavailable, InterruptedException {
        return get("/rooms/" + room + "/messages", after, before, limit, complete);
    }

    /** A page of the direct messages between two nicks, as {@code GET /conversations/{nick}/{nick}/messages}. */
    HistoryPage conversation(String nick, String with, Long before, int limit) throws Unavailable, InterruptedException {
        return get("/conversations/" + nick + "/" + with + "/messages", null, before, limit, false);
    }

    private HistoryPage get(String path, Long after, Long before, int limit, boolean complete)
        throws Unavailable, InterruptedException {
        StringBuilder query = new StringBuilder("?limit=").append(limit);
        if (after != null) {
            query.append("&after=").append(after);
        }
        if (before != null) {
            query.append("&before=").append(before);
        }
        Duration patience = timeout;
        if (complete && before != null) {
            query.append("&wait=").append(timeout.toMillis());
            patience = timeout.multipliedBy(2);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query)).timeout(patience).GET();
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret.reveal());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("the history service did not answer (" + e.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() == 401) {
            throw new Unavailable("the history service refused this gateway's secret (401): check --history-secret-file");
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("the history service answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return FrameCodec.decodeHistoryPage(response.body());
        } catch (ProtocolException e) {
            throw new Unavailable("the history service answered a malformed page: " + e.getMessage());
        }
    }
}
