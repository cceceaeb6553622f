package chat.gateway;

import chat.protocol.ClientFrame;
import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches stored history for clients: the replay that follows a {@code join}, and the older pages a client asks for
 * with {@code history}. Each fetch runs on a virtual thread of its own, so neither the fan-out thread nor a reader
 * thread ever waits on the history service. Thread-safe.
 */
final class HistoryReplayer {
    private static final Logger log = LoggerFactory.getLogger(HistoryReplayer.class);

    /** How long a replay waits for a client that reads nothing before it gives up on it. */
    private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(30);

    private final HistoryClient history;
    private final GatewayMetrics metrics;

    HistoryReplayer(HistoryClient history, GatewayMetrics metrics) {
        this.history = history;
        this.metrics = metrics;
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
                unsent = history.room(room, null, readUpTo, Limits.DEFAULT_HISTORY_PAGE, true).messages();
                cursor = readUpTo - 1;
                forward = false;
            } else {
                cursor = after;
                forward = true;
            }
            while (true) {
                while (forward) {
                    HistoryPage page = history.room(room, cursor, readUpTo, Limits.MAX_HISTORY_PAGE, true);
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
                    page = history.conversation(c.nick(), request.with(), account, request.before(), request.limit());
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
