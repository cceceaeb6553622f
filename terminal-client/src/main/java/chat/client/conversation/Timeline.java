package chat.client.conversation;

import chat.protocol.MessageKey;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.Set;

/**
 * What one room or direct conversation shows: its messages in seq order, each once, however often it arrives (live,
 * in a history replay, again after a failover), and the user's own messages that are not acked yet, after them.
 * A message is known by its {@link MessageKey}, as the gateway and the history service know it. Bounded: past
 * {@code capacity} messages the oldest are forgotten.
 *
 * <p>An own message is queued until it goes to a gateway, pending from then until its ack, and failed when no ack
 * came within {@link #ACK_PATIENCE} of its sending (or the gateway refused it); a message queued for an hour while no
 * gateway answered has not waited for an ack at all. Time is given, not read, so the rule is tested without waiting.
 *
 * <p>Not thread-safe: the session's thread owns it.
 */
public final class Timeline {
    /**
     * Where an own message stands: waiting for a gateway to send it to, sent and waiting for its ack, acked, or given
     * up on (it may be resent). A {@code NOTICE} is no message but a line of the client's own (a presence change, an
     * answer to a command).
     */
    public enum State { QUEUED, PENDING, CONFIRMED, FAILED, NOTICE }

    /** An own message without an ack this long after it was sent is marked failed. */
    public static final Duration ACK_PATIENCE = Duration.ofSeconds(10);

    /**
     * One line of the conversation. {@code seq} is null until the message is acked; a notice has the seq of the
     * message shown before it (-1 for none), so that a message that arrives later takes its place in seq order around
     * it, and neither sender nor id.
     */
    public record Entry(Long seq, String from, String text, String id, String ts, State state) {
        public boolean isNotice() {
            return state == State.NOTICE;
        }

        Entry withState(State newState) {
            return new Entry(seq, from, text, id, ts, newState);
        }
    }

    private final String me;
    private final int capacity;
    private final List<Entry> confirmed = new ArrayList<>();
    /** Own messages not acked yet, in the order they were said, by id. */
    private final String stream;
    private final Map<String, Entry> unacked = new LinkedHashMap<>();
    /** When each pending own message was sent: its ack is awaited from then on. */
    private final Map<String, Instant> sentAt = new HashMap<>();
    /** The unacked own messages that went to a gateway at least once: sending one again is a resend. */
    private final Set<String> wentOut = new HashSet<>();
    /** The keys of the messages shown, oldest first, bounded with them. */
    private final SequencedSet<MessageKey> seen = new LinkedHashSet<>();
    private long lastSeq = -1;
    private boolean oldestShown;

    /** The timeline of {@code stream} (a room, or {@code @nick} for a conversation), as {@code me} sees it. */
    public Timeline(String stream, String me, int capacity) {
        this.stream = stream;
        this.me = me;
        this.capacity = capacity;
    }

    private MessageKey key(String from, String id) {
        return new MessageKey(stream, from, id);
    }

    /** The user said something: shown at once, queued until it is sent. */
    public void said(String id, String text, String ts) {
        unacked.put(id, new Entry(null, me, text, id, ts, State.QUEUED));
    }

    /** An own message went to a gateway at {@code at} (again, after a failover or a retry): its ack is awaited. */
    public void sent(String id, Instant at) {
        if (unacked.computeIfPresent(id, (k, e) -> e.withState(State.PENDING)) != null) {
            sentAt.put(id, at);
            wentOut.add(id);
        }
    }

    /**
     * Whether an unacked own message went to a gateway before: then it may be in the log already, and sending it
     * again says so.
     */
    public boolean wentOut(String id) {
        return wentOut.contains(id);
    }

    /** An own message was acked with its place in the log: returns it as now shown, or null if it was already. */
    public Entry acked(String id, long seq, String ts) {
        Entry pending = forget(id);
        if (pending == null) {
            return null;
        }
        Entry confirmed = new Entry(seq, me, pending.text(), id, ts, State.CONFIRMED);
        return add(confirmed) ? confirmed : null;
    }

    /** An own message is in the log: no longer awaited. Returns it as it was while unacked, or null. */
    private Entry forget(String id) {
        sentAt.remove(id);
        wentOut.remove(id);
        return unacked.remove(id);
    }

    /** An own message was refused or its ack never came: marked, kept for a resend under the same id. */
    public void failed(String id) {
        unacked.computeIfPresent(id, (k, e) -> e.withState(State.FAILED));
        sentAt.remove(id);
    }

    /** Whether an own message of this id waits here for its ack (queued, pending or failed). */
    public boolean awaits(String id) {
        return unacked.containsKey(id);
    }

    /** The own messages to send again, with their ids, once a gateway is reached or when the user retries. */
    public List<Entry> unacked() {
        return List.copyOf(unacked.values());
    }

    /**
     * The gateway is gone: the messages sent to it and not acked wait for the next one, queued, and their ack is no
     * longer awaited. Returns whether any was.
     */
    public boolean requeue() {
        if (sentAt.isEmpty()) {
            return false;
        }
        sentAt.keySet().forEach(id -> unacked.computeIfPresent(id, (k, e) -> e.withState(State.QUEUED)));
        sentAt.clear();
        return true;
    }

    /**
     * Marks failed every pending own message sent more than {@link #ACK_PATIENCE} before {@code now}. Returns whether
     * any was.
     */
    public boolean giveUpOnLateAcks(Instant now) {
        List<String> late = sentAt.entrySet().stream()
            .filter(e -> now.isAfter(e.getValue().plus(ACK_PATIENCE))).map(Map.Entry::getKey).toList();
        late.forEach(this::failed);
        return !late.isEmpty();
    }

    /** Marks the failed own messages as queued again and returns them, for the user's retry. */
    public List<Entry> retryFailed() {
        List<Entry> retried = new ArrayList<>();
        unacked.replaceAll((id, e) -> {
            if (e.state() != State.FAILED) {
                return e;
            }
            Entry again = e.withState(State.QUEUED);
            retried.add(again);
            return again;
        });
        return retried;
    }

    /** A line of the client's own, shown after everything received so far. */
    public void note(String text, String ts) {
        long after = confirmed.isEmpty() ? -1 : confirmed.getLast().seq();
        confirmed.add(new Entry(after, null, text, null, ts, State.NOTICE));
        trim();
    }

    /**
     * A message of this conversation arrived (a {@code message} or {@code dm} frame, live or from history). True when
     * it is new and now shown; false when it was shown already.
     */
    public boolean receive(ServerFrame frame) {
        Entry entry = entryOf(frame);
        if (entry.from().equalsIgnoreCase(me)) {
            forget(entry.id());
        }
        lastSeq = Math.max(lastSeq, entry.seq());
        return add(entry);
    }

    /** Whether the message {@code id} of {@code from} is shown already. */
    public boolean shows(String from, String id) {
        return seen.contains(key(from, id));
    }

    /** The entry of a {@code message} or {@code dm} frame. */
    public static Entry entryOf(ServerFrame frame) {
        return switch (frame) {
            case ServerFrame.Message m -> new Entry(m.seq(), m.from(), m.text(), m.id(), m.ts(), State.CONFIRMED);
            case ServerFrame.Dm d -> new Entry(d.seq(), d.from(), d.text(), d.id(), d.ts(), State.CONFIRMED);
            default -> throw new IllegalArgumentException("not a message: " + frame);
        };
    }

    private boolean add(Entry entry) {
        if (!seen.add(key(entry.from(), entry.id()))) {
            return false;
        }
        int at = confirmed.size();
        while (at > 0 && confirmed.get(at - 1).seq() > entry.seq()) {
            at--;
        }
        confirmed.add(at, entry);
        trim();
        return true;
    }

    private void trim() {
        while (confirmed.size() > capacity) {
            Entry oldest = confirmed.removeFirst();
            if (!oldest.isNotice()) {
                seen.remove(key(oldest.from(), oldest.id()));
            }
        }
    }

    /** Everything to show, oldest first: the log, then the own messages not acked yet. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(confirmed.size() + unacked.size());
        all.addAll(confirmed);
        all.addAll(unacked.values());
        return Collections.unmodifiableList(all);
    }

    /**
     * The highest seq received from the room's stream, for {@code join {after}} after a reconnect; -1 before any. An
     * ack does not count: it can come before messages below it are delivered, and those would be skipped.
     */
    public long lastSeq() {
        return lastSeq;
    }

    /** The lowest seq shown, for asking older history with {@code before}; null before any. */
    public Long firstSeq() {
        return confirmed.stream().filter(e -> !e.isNotice()).findFirst().map(Entry::seq).orElse(null);
    }

    /** The server said no message is older than the first shown. */
    public void reachedOldest() {
        oldestShown = true;
    }

    /** Whether the first message shown is the conversation's first: scrolling up has nothing more to fetch. */
    public boolean oldestShown() {
        return oldestShown;
    }
}
