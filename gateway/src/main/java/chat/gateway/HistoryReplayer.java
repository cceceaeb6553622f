package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches stored history for clients: the replay that follows a {@code join}, and the older pages a client asks for
 * with {@code history}. Each fetch runs on a virtual thread of its own, so neither the fan-out thread nor a reader
 * thread ever waits on the history service.
 *
 * <p>A burst of joins must not become a burst of identical requests: the replays of one room share the fetch of its
 * newest page for as long as no message was posted in the room between their starting points, and a client that
 * comes back after the room's newest message asks the history nothing. Both rest on {@link RoomMembers} knowing
 * where each room's newest message is. Thread-safe.
 */
final class HistoryReplayer {
    private static final Logger log = LoggerFactory.getLogger(HistoryReplayer.class);

    /** How long a replay waits for a client that reads nothing before it gives up on it. */
    private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(30);

    /** Fetches kept for the replays that can share them; a page holds at most 500 messages. */
    static final int SHARED_PAGES = 64;

    /**
     * A fetch shared by replays: of a room's newest page ({@code after} null), or of its messages after {@code after};
     * fetched below {@code below}.
     */
    private record Shared(long below, CompletableFuture<HistoryPage> page) {}

    private record SharedKey(String room, Long after) {}

    private final HistoryClient history;
    private final RoomMembers rooms;
    private final GatewayMetrics metrics;
    /** By room and starting point, least recently used first. Guarded by itself. */
    private final Map<SharedKey, Shared> shared = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SharedKey, Shared> eldest) {
            return size() > SHARED_PAGES;
        }
    };
    /** Where the fan-out has read each room's partition up to. */
    private volatile ToLongFunction<String> fanOutPosition = room -> 0;

    HistoryReplayer(HistoryClient history, RoomMembers rooms, GatewayMetrics metrics) {
        this.history = history;
        this.rooms = rooms;
        this.metrics = metrics;
    }

    /** Fetches of a room's messages after a seq reach up to where the fan-out has read, for later replays to share. */
    void follow(ToLongFunction<String> fanOutPosition) {
        this.fanOutPosition = fanOutPosition;
    }

    /**
     * Replays a room to a connection that receives it from seq {@code liveFrom} on: the messages below it, either the
     * last {@link Limits#DEFAULT_HISTORY_PAGE} ({@code after} null) or all those above {@code after}. The caller has
     * already begun holding the room's live messages ({@link Replays#begin}).
     */
    void replay(Connection c, String room, Long after, long liveFrom, String ref) {
        Thread.ofVirtual().name("replay-" + c.id() + "-" + room).start(() -> runReplay(c, room, after, liveFrom, ref));
    }

    private void runReplay(Connection c, String room, Long after, long liveFrom, String ref) {
        List<ServerFrame> unsent = List.of();
        try {
            long readUpTo = liveFrom;
            long cursor;
            boolean forward;
            if (after == null) {
                unsent = fetchShared(room, null, readUpTo).messages();
                cursor = readUpTo - 1;
                forward = false;
            } else {
                cursor = after;
                // Nothing was said in the room since the last message the client has: there is nothing to ask for.
                forward = !rooms.noMessagesSince(room, after + 1);
            }
            while (true) {
                boolean first = true;
                while (forward) {
                    HistoryPage page = first ? fetchShared(room, cursor, readUpTo)
                        : history.room(room, cursor, readUpTo, Limits.MAX_HISTORY_PAGE, true);
                    first = false;
                    awaitClientReading(c);
                    c.replays().sendPart(room, unsent, ref);
                    unsent = page.messages();
                    cursor = page.lastSeq(cursor);
                    forward = page.more();
                }
                awaitClientReading(c);
                long further = c.replays().finish(room, unsent, cursor, ref);
                if (further < 0) {
                    return;
                }
                // The room was too busy to hold while the history came: read what was dropped from the history too.
                cursor = Math.max(cursor, readUpTo - 1);
                readUpTo = further;
                forward = true;
            }
        } catch (ClientNotReading e) {
            // What is held goes out behind the notice; a client that still reads nothing is then cut off as slow.
            log.info("replay of {} to {} given up: {}", room, c.nick(), e.getMessage());
            c.replays().finishUnavailable(room, List.of(), ref);
        } catch (HistoryClient.Unavailable e) {
            metrics.historyFailed();
            log.info("no history for {} in {}: {}", c.nick(), room, e.getMessage());
            c.replays().finishUnavailable(room, unsent, ref);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.replays().finishUnavailable(room, unsent, ref);
        } catch (RuntimeException e) {
            log.error("the replay of {} to {} failed", room, c.nick(), e);
            c.replays().finishUnavailable(room, unsent, ref);
        }
    }

    /**
     * The first page of a replay that reads below {@code below}, which the fan-out has read the room's partition up to:
     * the room's newest {@link Limits#DEFAULT_HISTORY_PAGE} messages ({@code after} null), or those after
     * {@code after}. Replays that start together, or at points with no message of the room between them, share one
     * fetch: a newest page fetched below X serves below Y when the room has nothing between X and Y; messages after A
     * are fetched up to where the fan-out has read by then, and serve every later replay from A that starts below
     * that, or with nothing said since.
     */
    private HistoryPage fetchShared(String room, Long after, long below)
        throws HistoryClient.Unavailable, InterruptedException {
        SharedKey key = new SharedKey(room, after);
        Shared fetch;
        long upTo;
        boolean fetching;
        synchronized (shared) {
            fetch = shared.get(key);
            boolean usable = fetch != null && (after == null
                ? rooms.noMessagesSince(room, Math.min(fetch.below(), below))
                : fetch.below() >= below || rooms.noMessagesSince(room, fetch.below()));
            fetching = !usable;
            if (fetching) {
                upTo = after == null ? below : Math.max(below, fanOutPosition.applyAsLong(room));
                fetch = new Shared(upTo, new CompletableFuture<>());
                shared.put(key, fetch);
            } else {
                upTo = fetch.below();
            }
        }
        if (fetching) {
            try {
                fetch.page().complete(after == null
                    ? history.room(room, null, upTo, Limits.DEFAULT_HISTORY_PAGE, true)
                    : history.room(room, after, upTo, Limits.MAX_HISTORY_PAGE, true));
            } catch (HistoryClient.Unavailable | InterruptedException | RuntimeException e) {
                fetch.page().completeExceptionally(e);
                synchronized (shared) {
                    shared.remove(key, fetch);
                }
                throw e;
            }
        }
        HistoryPage page;
        try {
            page = fetch.page().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HistoryClient.Unavailable unavailable) {
                throw new HistoryClient.Unavailable(unavailable.getMessage());
            }
            throw new HistoryClient.Unavailable("the shared fetch of the room's history failed: " + e.getCause());
        }
        if (after == null || upTo <= below) {
            return page;
        }
        if (page.more()) {
            // Too long to be the whole range below this replay's start: it reads its own pages.
            return history.room(room, after, below, Limits.MAX_HISTORY_PAGE, true);
        }
        return new HistoryPage(page.messages().stream()
            .filter(m -> m instanceof ServerFrame.Message message && message.seq() < below).toList(), false);
    }

    /** The client stopped reading while its replay waited for room in its queue. */
    private static final class ClientNotReading extends Exception {
        ClientNotReading(String message) {
            super(message, null, false, false);
        }
    }

    private static void awaitClientReading(Connection c) throws ClientNotReading, InterruptedException {
        if (!c.awaitQueueRoom(CLIENT_PATIENCE)) {
            throw new ClientNotReading(c.isOpen() ? "read nothing for " + CLIENT_PATIENCE.toSeconds() + " s" : "closed");
        }
    }

    /**
     * A page of a conversation. The newest page ({@code before} null) is what a session missed while no gateway
     * delivered to it: it reads up to where this gateway's fan-out has delivered, once the history service has stored
     * that far, so that nothing falls between the page and the live stream.
     */
    private HistoryPage conversationPage(String nick, String with, String account, Long before, int limit)
        throws HistoryClient.Unavailable, InterruptedException {
        if (before != null) {
            return history.conversation(nick, with, account, before, limit, false);
        }
        long delivered = fanOutPosition.applyAsLong(ChatEvent.conversationOf(nick, with));
        return history.conversation(nick, with, account, delivered, limit, true);
    }

    /**
     * Answers a {@code history} request: the newest messages before {@code before}, and whether older ones exist. A
     * conversation is read as the session's account; a guest has none stored (and is refused before it gets here).
     */
    void answer(Connection c, ClientFrame.History request) {
        String account = c.account();
        Thread.ofVirtual().name("history-" + c.id()).start(() -> {
            ServerFrame.History answer;
            try {
                HistoryPage page;
                if (request.room() != null) {
                    page = history.room(request.room(), null, request.before(), request.limit(), false);
                } else if (account != null) {
                    page = conversationPage(c.nick(), request.with(), account, request.before(), request.limit());
                } else {
                    page = new HistoryPage(List.of(), false);
                }
                page = Replays.newestThatFit(page);
                answer = new ServerFrame.History(request.room(), request.with(), page.messages(), page.more(), false,
                    request.ref());
            } catch (HistoryClient.Unavailable e) {
                metrics.historyFailed();
                answer = new ServerFrame.History(request.room(), request.with(), List.of(), false, true, request.ref());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            c.send(answer);
        });
    }
}
