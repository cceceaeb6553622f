package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import chat.settings.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Asks the history service's HTTP API for pages of stored messages (docs/PROTOCOL.md, "History service API").
 * Blocking: callers run it on virtual threads of their own. At most {@link #IN_FLIGHT} requests are out at once: a
 * burst of replays (thousands of sessions resuming together) then queues here, on kept-alive connections, instead of
 * opening thousands of connections that the service cannot accept in time. Thread-safe.
 */
final class HistoryClient {
    /** The history service could not give the page: down, too slow, behind the topic, or answering nonsense. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** Requests out at once; the rest wait their turn within their own timeout. */
    static final int IN_FLIGHT = 32;

    private final Semaphore inFlight = new Semaphore(IN_FLIGHT, true);
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

    /** A page of waiting messages, and the cursor that asks for the page after it (null when none follows). */
    record WaitingPage(HistoryPage page, String next) {}

    /**
     * A page of a room, as {@code GET /rooms/{room}/messages}. With {@code complete} (which needs {@code before}), the
     * service first waits (up to the timeout) until it has read the topic up to {@code before}, so the page misses
     * nothing below it.
     */
    HistoryPage room(String room, Long after, Long before, int limit, boolean complete) throws Unavailable, InterruptedException {
        return get("/rooms/" + room + "/messages", "", after, before, limit, complete);
    }

    /**
     * A page of the direct messages between {@code nick} and {@code with} in which {@code nick}'s side is the account
     * {@code account}, as {@code GET /conversations/{nick}/{with}/messages?account=ID}; {@code complete} as for
     * {@link #room}.
     */
    HistoryPage conversation(String nick, String with, String account, Long before, int limit, boolean complete)
        throws Unavailable, InterruptedException {
        return get("/conversations/" + nick + "/" + with + "/messages", "&account=" + encode(account), null, before,
            limit, complete);
    }

    /**
     * A page of the direct messages waiting for {@code account}, as {@code GET /accounts/{account}/waiting}: those
     * below {@code positions} (this gateway's fan-out position in every partition of the chat topic, in partition
     * order), after {@code afterCursor} (a {@link WaitingPage#next()}, or null for the first page). The service first
     * waits (up to the timeout) until it has read every partition up to its position, so the page misses nothing
     * below them and the fan-out delivers everything from them on.
     */
    WaitingPage waiting(String account, long[] positions, String afterCursor, int limit)
        throws Unavailable, InterruptedException {
        StringJoiner offsets = new StringJoiner(",");
        for (long position : positions) {
            offsets.add(Long.toString(position));
        }
        String parameters = "&positions=" + offsets + (afterCursor == null ? "" : "&after=" + encode(afterCursor));
        HistoryPage page = get("/accounts/" + encode(account) + "/waiting", parameters, null, null, limit, true);
        String next = null;
        if (page.more() && page.messages().getLast() instanceof ServerFrame.Dm last) {
            next = ChatEvent.conversationOf(last.from(), last.to()) + "@" + last.seq();
        }
        return new WaitingPage(page, next);
    }

    private static String encode(String parameter) {
        return URLEncoder.encode(parameter, StandardCharsets.UTF_8);
    }

    /** {@code parameters}: the path's own, each as {@code &name=value}. */
    private HistoryPage get(String path, String parameters, Long after, Long before, int limit, boolean complete)
        throws Unavailable, InterruptedException {
        StringBuilder query = new StringBuilder("?limit=").append(limit).append(parameters);
        if (after != null) {
            query.append("&after=").append(after);
        }
        if (before != null) {
            query.append("&before=").append(before);
        }
        Duration patience = timeout;
        if (complete) {
            query.append("&wait=").append(timeout.toMillis());
            patience = timeout.multipliedBy(2);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query)).timeout(patience).GET();
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret.reveal());
        }
        HttpResponse<String> response;
        if (!inFlight.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Unavailable("the history service is answering " + IN_FLIGHT + " requests, and this one waited " + patience);
        }
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("the history service did not answer (" + e.getClass().getSimpleName() + ")");
        } finally {
            inFlight.release();
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
