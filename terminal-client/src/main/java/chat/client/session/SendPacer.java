package chat.client.session;

import chat.protocol.ClientFrame;
import chat.protocol.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The pace of what a session sends on one connection: a token bucket inside the gateway's rate limit, so that a burst
 * of the session's own (a welcome that rejoins every room, catches up every conversation and resends what was not
 * acked) is never dropped as {@code rate_limited}. The margin below the gateway's limit leaves room for frames that the
 * network delivers bunched together. Frames over the pace wait in order; a ping goes ahead of them, since it measures
 * the gateway, not the queue; a quit takes the place of them all. Time is passed in, so tests need no clock. Not
 * thread-safe: the session's thread owns it.
 */
final class SendPacer {
    static final int PER_SECOND = Limits.DEFAULT_FRAMES_PER_SECOND * 9 / 10;
    static final int BURST = Limits.DEFAULT_FRAME_BURST * 3 / 4;
    /**
     * Frames that may wait. A session's own frames are bounded by its streams (a join or a page each) and their
     * unacked messages; this bound only stops a runaway.
     */
    static final int MAX_WAITING = 100_000;

    private final ArrayDeque<ClientFrame> waiting = new ArrayDeque<>();
    private double tokens;
    private Instant refilledAt;

    /** A new connection: the gateway's bucket for it starts full, and nothing of the last one is owed to it. */
    void reset(Instant now) {
        waiting.clear();
        tokens = BURST;
        refilledAt = now;
    }

    /**
     * Queues a frame; false when too many wait already. A quit is the last: what waits behind it would never be
     * answered, so it goes alone, at the first turn.
     */
    boolean offer(ClientFrame frame) {
        switch (frame) {
            case ClientFrame.Quit q -> {
                waiting.clear();
                waiting.add(q);
            }
            case ClientFrame.Ping p -> waiting.addFirst(p);
            default -> {
                if (waiting.size() >= MAX_WAITING) {
                    return false;
                }
                waiting.addLast(frame);
            }
        }
        return true;
    }

    /** The frames that may go now, in the order they are to go. */
    List<ClientFrame> due(Instant now) {
        if (refilledAt == null) {
            throw new IllegalStateException("no connection to pace");
        }
        long nanos = Duration.between(refilledAt, now).toNanos();
        if (nanos > 0) {
            tokens = Math.min(BURST, tokens + nanos * (double) PER_SECOND / 1e9);
            refilledAt = now;
        }
        List<ClientFrame> due = new ArrayList<>();
        while (tokens >= 1 && !waiting.isEmpty()) {
            tokens--;
            due.add(waiting.removeFirst());
        }
        return due;
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    void clear() {
        waiting.clear();
    }
}
