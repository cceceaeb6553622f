package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import chat.runtime.Backoff;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the direct messages that waited for an account while it was offline, whenever a session of the account is
 * welcomed (new, resumed or regained: a connection that took a page may have been one its client gave up on). They come
 * from the history service, below the positions the fan-out fixed when it opened the inbox (those above come live),
 * followed by {@code waited {count}}. They wait on until the client says it {@link #received} them: the inbox then
 * writes a {@link ChatEvent.WaitingDelivered} mark for the conversation, keyed like it, so it lands behind the messages
 * it covers and the history stops serving them. Only the client can say so: a page queued, or even written to the
 * socket, may never be read by a client whose connection dies meanwhile. Delivery is therefore at least once, and the
 * client drops a message whose seq it has shown. Each delivery runs on a virtual thread of its own, which pauses on the
 * gateway's {@link Time} between tries while the history service cannot be asked. Thread-safe.
 */
final class Inbox {
    private static final Logger log = LoggerFactory.getLogger(Inbox.class);
    /** The pause before the first try again while the history service cannot be asked. */
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);
    /** The longest pause between two tries while the history service cannot be asked. */
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    private final HistoryClient history;
    private final EventLog events;
    private final String gatewayId;
    private final GatewayMetrics metrics;
    private final Time time;

    Inbox(HistoryClient history, EventLog events, String gatewayId, GatewayMetrics metrics, Time time) {
        this.time = time;
        this.history = history;
        this.events = events;
        this.gatewayId = gatewayId;
        this.metrics = metrics;
    }

    /** Sends the connection's account its waiting messages below {@code positions}, page by page. */
    void deliver(Connection c, long[] positions) {
        String account = c.account();
        if (account == null) {
            return;
        }
        Thread.ofVirtual().name("inbox-" + c.id()).start(() -> run(c, account, positions));
    }

    /**
     * The client of a session signed in to an account has the messages that waited for it in the conversation with
     * {@code with}, up to and including seq {@code through}.
     */
    void received(Connection c, String with, long through) {
        mark(c.account(), ChatEvent.conversationOf(c.nick(), with), through);
    }

    private void run(Connection c, String account, long[] positions) {
        String cursor = null;
        Backoff backoff = new Backoff(FIRST_RETRY_PAUSE, MAX_RETRY_PAUSE);
        int delivered = 0;
        try {
            while (c.isOpen()) {
                HistoryClient.WaitingPage page;
                try {
                    page = history.waiting(account, positions, cursor, Limits.MAX_HISTORY_PAGE);
                } catch (HistoryClient.Unavailable e) {
                    metrics.historyFailed();
                    log.info("waiting messages of {} not fetched yet: {}", c.nick(), e.getMessage());
                    time.sleep(backoff.next());
                    continue;
                }
                for (ServerFrame message : page.page().messages()) {
                    if (message instanceof ServerFrame.Dm dm) {
                        c.send(dm);
                        metrics.messagesOut(1);
                        delivered++;
                    }
                }
                if (!page.page().more()) {
                    c.send(new ServerFrame.Waited(delivered));
                    return;
                }
                cursor = page.next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void mark(String account, String conversation, long seq) {
        events.publish(new ChatEvent.WaitingDelivered(account, conversation, seq, gatewayId), (offset, failure) -> {
            if (failure != null) {
                // Unmarked, the messages wait on: the next welcome delivers them again rather than never.
                log.warn("could not mark waiting messages of {} delivered: {}", conversation, failure.toString());
            }
        });
    }
}
