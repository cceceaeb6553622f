package chat.chaos;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One user of a chaos run: the terminal client's own {@link ChatSession}, without a screen, and a record of what its
 * user would have seen: every message as it took its place in a room or conversation, with when; when each join's
 * live stream began; when the connection was lost and when a gateway welcomed it back. Its messages say who said them
 * and a number ({@code c0042 17}), so that the report can tell when each was said. Thread-safe: the session's thread
 * records, the run's threads read.
 */
final class ChaosClient implements ChatSession.Listener {
    /**
     * A message shown: where, who said it, its id and seq, when (in {@link System#nanoTime()}), and whether it filled
     * a gap that a replay the history service could not give had left.
     */
    record Shown(String stream, String from, String id, long seq, String text, long at, boolean filledIn) {}

    /** A time the client was without a gateway: from {@code lost} until {@code back} (0 while it still is). */
    record Outage(long lost, long back) {}

    /** Why the client left a gateway or gave up on one, and when: what the user's status line said. */
    record Departure(long at, String why) {}

    /** Departures kept per client: the last ones tell why it was slow to come back. */
    private static final int DEPARTURES_KEPT = 100;
    /** Notices kept per client, the newest: what its user was last told, for a client that never got somewhere. */
    private static final int NOTICES_KEPT = 10;

    private final int index;
    private final String nick;
    private final String password;
    private final ChatSession session;
    final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    final CompletableFuture<Void> signedIn = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Void>> joins = new ConcurrentHashMap<>();
    /** When this client said each of its messages, by number. */
    private final Map<Integer, Long> said = new ConcurrentHashMap<>();
    private final List<Shown> shown = new ArrayList<>();
    private final Map<String, Long> firstLive = new HashMap<>();
    private final List<Outage> outages = new ArrayList<>();
    private final ArrayDeque<Departure> departures = new ArrayDeque<>();
    private final Set<String> streams = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final ArrayDeque<String> notices = new ArrayDeque<>();
    private boolean connected;
    private int nextNumber;

    ChaosClient(int index, List<Failover.Gateway> gateways, long seed) {
        this.index = index;
        this.nick = nickOf(index);
        this.password = "chaos-" + Long.toString(new SplittableRandom(seed).nextLong() & Long.MAX_VALUE, 36);
        this.session = new ChatSession(nick, gateways, Clock.systemUTC(), new SplittableRandom(seed), this);
    }

    static String nickOf(int index) {
        return String.format("c%04d", index);
    }

    int index() {
        return index;
    }

    String nick() {
        return nick;
    }

    void start() {
        session.start();
    }

    /** Registers the nick to an account, once welcomed: every later hello that cannot resume signs in with it. */
    void register() {
        session.register(password);
    }

    /** Joins {@code room}; the future completes when a gateway confirms it. */
    CompletableFuture<Void> join(String room) {
        CompletableFuture<Void> joined = joins.computeIfAbsent(room, r -> new CompletableFuture<>());
        synchronized (this) {
            streams.add(room);
        }
        session.join(room);
        return joined;
    }

    /** Says the next numbered message in a room, or to {@code @nick}. */
    void say(String stream) {
        int number;
        synchronized (this) {
            number = nextNumber++;
            streams.add(stream);
        }
        said.put(number, System.nanoTime());
        session.say(stream, nick + " " + number);
    }

    /** What a user does with the messages marked not sent: sends them again, under their ids. */
    void retryFailed() {
        List<String> all;
        synchronized (this) {
            all = List.copyOf(streams);
        }
        all.forEach(session::retry);
    }

    /** When this client said its message {@code number}, or null if it never did. */
    Long saidAt(int number) {
        return said.get(number);
    }

    int saidCount() {
        return said.size();
    }

    synchronized List<Shown> shown() {
        return List.copyOf(shown);
    }

    synchronized Map<String, Long> firstLive() {
        return Map.copyOf(firstLive);
    }

    synchronized List<Outage> outages() {
        return List.copyOf(outages);
    }

    synchronized List<Departure> departures() {
        return List.copyOf(departures);
    }

    synchronized boolean connected() {
        return connected;
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** What its user last saw of the connection and was last told: why it did not get where the run waits for it. */
    synchronized String lastSeen() {
        return nick + (connected ? " (connected)" : " (without a gateway)") + "; left gateways: "
            + departures.stream().skip(Math.max(0, departures.size() - 3)).map(Departure::why).toList()
            + "; notices: " + notices + "; problems: " + problems;
    }

    /** Its own messages not confirmed yet, in every stream, as {@code stream, state, text}: for a failure's record. */
    List<String[]> unconfirmed() throws InterruptedException {
        List<String> all;
        synchronized (this) {
            all = List.copyOf(streams);
        }
        List<String[]> unconfirmed = new ArrayList<>();
        for (String stream : all) {
            for (Timeline.Entry e : session.entries(stream)) {
                if (e.state() != Timeline.State.CONFIRMED && !e.isNotice()) {
                    unconfirmed.add(new String[] {stream, e.state().name(), e.text()});
                }
            }
        }
        return unconfirmed;
    }

    void close() {
        session.close();
    }

    // ---- what the session tells, on its thread ----

    @Override
    public synchronized void shown(String stream, Timeline.Entry message) {
        shown.add(new Shown(stream, message.from(), message.id(), message.seq(), message.text(), System.nanoTime(),
            false));
    }

    @Override
    public synchronized void filledIn(String stream, Timeline.Entry message) {
        shown.add(new Shown(stream, message.from(), message.id(), message.seq(), message.text(), System.nanoTime(),
            true));
    }

    @Override
    public synchronized void joined(String room, long live) {
        firstLive.putIfAbsent(room, live);
        CompletableFuture<Void> joined = joins.get(room);
        if (joined != null) {
            joined.complete(null);
        }
    }

    @Override
    public synchronized void state(Failover.State state) {
        boolean now = state instanceof Failover.State.Connected;
        if (state instanceof Failover.State.Waiting w) {
            if (departures.size() == DEPARTURES_KEPT) {
                departures.removeFirst();
            }
            departures.addLast(new Departure(System.nanoTime(), w.why()));
        }
        if (connected && !now) {
            outages.add(new Outage(System.nanoTime(), 0));
        } else if (!connected && now && !outages.isEmpty() && outages.getLast().back() == 0) {
            outages.set(outages.size() - 1, new Outage(outages.getLast().lost(), System.nanoTime()));
        }
        connected = now;
    }

    @Override
    public void welcomed(String token) {
        welcomed.complete(null);
    }

    @Override
    public void account(boolean signedIn) {
        if (signedIn) {
            this.signedIn.complete(null);
        }
    }

    @Override
    public synchronized void opened(String stream) {
        streams.add(stream);
    }

    @Override
    public synchronized void notice(String text) {
        if (notices.size() == NOTICES_KEPT) {
            notices.removeFirst();
        }
        notices.addLast(text);
    }

    @Override
    public synchronized void credentialsNeeded(String why) {
        problems.add("asked for credentials: " + why);
    }

    @Override
    public synchronized void refused(String why) {
        problems.add("refused: " + why);
    }
}
