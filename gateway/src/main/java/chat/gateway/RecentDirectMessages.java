package chat.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The direct messages to accounts read in the last {@link #WINDOW}, kept for the account's next welcome. A message
 * accepted while its addressee's session is held by a gateway that has died (until the session resumes elsewhere, or
 * its lease runs out) is delivered by no one: the session is not on the gateway that reads it, and the account is not
 * offline, so it does not wait in the inbox either. When the account is welcomed on this gateway (resuming, or signing
 * in anew), it gets the recent ones it was not sent here already. Those that waited for an offline account are the
 * inbox's to deliver, and are not kept here. The window covers the gap of a gateway's death and of a restart of
 * everything; only accounts are served, because only an
 * account proves the next holder of a nick is the one the message was for.
 *
 * <p>Bounded by age and by count. {@code R} is what a message is sent to: the fan-out's connections. Not thread-safe:
 * the fan-out's thread owns it.
 */
final class RecentDirectMessages<R> {
    /**
     * As far back as a gateway reads before its start ({@link FanOut#LOOK_BACK}): one gateway's death is covered by a
     * lease (10 s) plus the terminal client's longest wait before it tries a gateway again (30 s), but after a restart
     * of everything a thousand sessions take minutes to be welcomed again.
     */
    static final Duration WINDOW = FanOut.LOOK_BACK;

    /** A message kept, and the connection it was last sent to. */
    private static final class Kept<R> {
        final String account;
        final Instant read;
        final byte[] line;
        R sentTo;

        Kept(String account, Instant read, byte[] line, R sentTo) {
            this.account = account;
            this.read = read;
            this.line = line;
            this.sentTo = sentTo;
        }
    }

    private final Clock clock;
    private final int capacity;
    /** Every message kept, oldest first; each is also in its account's list, in the same order. */
    private final ArrayDeque<Kept<R>> all = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Kept<R>>> byAccount = new HashMap<>();

    RecentDirectMessages(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Keeps a message to {@code account} read at {@code read} (its record's time), as the encoded line a client gets;
     * {@code sentTo} is the connection it was sent to live, or null.
     */
    void keep(String account, Instant read, byte[] line, R sentTo) {
        forgetOld();
        if (read.isBefore(clock.instant().minus(WINDOW))) {
            return;
        }
        Kept<R> kept = new Kept<>(account, read, line, sentTo);
        all.addLast(kept);
        byAccount.computeIfAbsent(account, a -> new ArrayDeque<>()).addLast(kept);
        while (all.size() > capacity) {
            forget(all.removeFirst());
        }
    }

    /**
     * The kept messages to {@code account} that were not sent live to {@code c}, oldest first; from now on they count
     * as sent to {@code c}.
     */
    List<byte[]> missedBy(String account, R c) {
        forgetOld();
        ArrayDeque<Kept<R>> kept = byAccount.get(account);
        if (kept == null) {
            return List.of();
        }
        List<byte[]> missed = new ArrayList<>();
        for (Kept<R> k : kept) {
            if (k.sentTo != c) {
                missed.add(k.line);
                k.sentTo = c;
            }
        }
        return missed;
    }

    int size() {
        return all.size();
    }

    private void forgetOld() {
        Instant oldest = clock.instant().minus(WINDOW);
        while (!all.isEmpty() && all.peekFirst().read.isBefore(oldest)) {
            forget(all.removeFirst());
        }
    }

    private void forget(Kept<R> k) {
        ArrayDeque<Kept<R>> ofAccount = byAccount.get(k.account);
        ofAccount.removeFirst();
        if (ofAccount.isEmpty()) {
            byAccount.remove(k.account);
        }
    }
}
