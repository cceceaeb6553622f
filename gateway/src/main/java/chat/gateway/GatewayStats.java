package chat.gateway;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a running gateway. Thread-safe. */
public final class GatewayStats {
    private final LongAdder connectionsOpened = new LongAdder();
    private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder duplicatesDropped = new LongAdder();
    private final LongAdder historyUnavailable = new LongAdder();

    GatewayStats() {
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, new LongAdder());
        }
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionClosed(CloseReason reason) {
        closed.get(reason).increment();
    }

    void messageIn() {
        messagesIn.increment();
    }

    void framesOut(int count) {
        framesOut.add(count);
    }

    void duplicateDropped() {
        duplicatesDropped.increment();
    }

    void historyFailed() {
        historyUnavailable.increment();
    }

    /** Replays and history requests that the history service did not answer. */
    public long historyUnavailable() {
        return historyUnavailable.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsClosed(CloseReason reason) {
        return closed.get(reason).sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long framesOut() {
        return framesOut.sum();
    }

    public long duplicatesDropped() {
        return duplicatesDropped.sum();
    }
}
