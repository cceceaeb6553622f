package chat.client.screen;

import chat.client.conversation.Streams;
import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the session told the screen since the screen's thread last looked, coalesced rather than queued: the newest
 * connection state, each stream's newest entries and member list, its count of unread messages, which streams opened
 * or closed (the last word on each, in order), and the newest line of news. Nothing is dropped however fast the
 * session goes, and however far behind the screen is, what it takes is bounded by the number of streams. It is the
 * session's listener: the session's thread posts, the screen's thread {@link #take}s. Thread-safe: one lock guards it.
 */
final class ScreenUpdates implements ChatSession.Listener {
    /** Messages from others that arrived in a stream, and whether one of them names the user. */
    record Unread(int count, boolean mentioned) {}

    /** All that was posted between two takes; the screen's thread owns it once taken. */
    static final class Batch {
        Failover.State connection;
        /** Streams opened ({@code true}) or closed, in the order of the last word on each. */
        final Map<String, Boolean> opened = new LinkedHashMap<>();
        final Map<String, List<String>> members = new LinkedHashMap<>();
        final Map<String, Unread> unread = new LinkedHashMap<>();
        /** What each changed stream shows now: the dirty streams, each with its newest copy. */
        final Map<String, List<Timeline.Entry>> showing = new LinkedHashMap<>();
        String news;
        /** Why credentials are wanted, when they are: the input then takes a password. */
        String credentialsWanted;
        /** The answer to {@code rooms}, as a line to tell. */
        String rooms;
        String token;
        Boolean account;
        String refusal;
        private boolean empty = true;
    }

    private final Predicate<String> mentions;
    private Batch pending = new Batch();

    /** @param mentions whether a message's text names the user */
    ScreenUpdates(Predicate<String> mentions) {
        this.mentions = mentions;
    }

    /** Waits up to {@code patience} for something to be posted; returns what was, or null when nothing was. */
    synchronized Batch take(Duration patience) throws InterruptedException {
        if (pending.empty && patience.isPositive()) {
            wait(patience.toMillis());
        }
        if (pending.empty) {
            return null;
        }
        Batch taken = pending;
        pending = new Batch();
        return taken;
    }

    /** Records a change; the caller holds the lock. */
    private Batch post() {
        if (pending.empty) {
            pending.empty = false;
            notifyAll();
        }
        return pending;
    }

    @Override
    public synchronized void state(Failover.State state) {
        post().connection = state;
    }

    @Override
    public boolean wantsCopies() {
        return true;
    }

    @Override
    public synchronized void showing(String stream, List<Timeline.Entry> entries) {
        post().showing.put(stream, entries);
    }

    @Override
    public synchronized void arrived(String stream, Timeline.Entry message) {
        boolean naming = Streams.isConversation(stream) || mentions.test(message.text());
        post().unread.merge(stream, new Unread(1, naming),
            (was, one) -> new Unread(was.count() + 1, was.mentioned() || one.mentioned()));
    }

    @Override
    public synchronized void opened(String stream) {
        lastWord(stream, true);
    }

    @Override
    public synchronized void closed(String stream) {
        lastWord(stream, false);
        pending.members.remove(stream);
        pending.unread.remove(stream);
    }

    private void lastWord(String stream, boolean open) {
        Batch batch = post();
        batch.opened.remove(stream);
        batch.opened.put(stream, open);
    }

    @Override
    public synchronized void members(String room, List<String> members) {
        post().members.put(room, List.copyOf(members));
    }

    @Override
    public synchronized void rooms(List<ServerFrame.RoomSummary> rooms) {
        post().rooms = rooms.isEmpty() ? "no room has anyone in it" : String.join(", ",
            rooms.stream().map(r -> "#" + r.room() + " (" + r.members() + ")").toList());
    }

    @Override
    public synchronized void notice(String text) {
        post().news = text;
    }

    @Override
    public synchronized void welcomed(String token) {
        post().token = token;
    }

    @Override
    public synchronized void account(boolean signedIn) {
        post().account = signedIn;
    }

    @Override
    public synchronized void credentialsNeeded(String why) {
        Batch batch = post();
        batch.credentialsWanted = why;
        batch.news = why;
    }

    @Override
    public synchronized void refused(String why) {
        post().refusal = why;
    }
}
