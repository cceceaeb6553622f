package chat.client.session;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.failover.PingWatch;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.MessageKey;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A chat session that outlives any one gateway. It connects to a gateway of its list, says hello (with its session
 * token once it has one, or the one it was started with), and when the gateway dies, closes, or stops answering pings
 * for 5 s, moves to another by itself: it resumes the session there, joins its rooms again with {@code after} set to
 * the last seq shown in each, asks each direct conversation's recent history again, and resends every message not
 * acked yet under its original id. What each room or conversation shows is a {@link Timeline}: every message once, in
 * seq order. The live messages that come while a rejoin's replay (or a conversation's history) is on its way are held
 * back and shown after it, so nothing new appears above what was shown already. A replay the history service cannot
 * give is asked again later, from where it was owed, until it comes. What is said while no gateway is reached is
 * queued, and sent once one is.
 *
 * <p>Signing in: a resume needs no password, the session token being its proof; the {@link Credentials} (given at
 * start or typed when asked) go in a hello only where no resume is possible, and are kept in memory for as long as
 * the session lives, so that a failover signs in again without asking. When the gateway says the nick is registered
 * (or admits no guests) and the session has no credentials, or refuses the ones it has, the session stops connecting
 * and asks its listener for them ({@link Listener#credentialsNeeded}) until {@link #signIn} gives them.
 *
 * <p>A stream is a room's name, or {@code @nick} (case-folded) for the direct conversation with that nick.
 *
 * <p>One thread, the session's, owns all of its state; a thread per connection opens it and hands its frames over
 * through a bounded queue, and callers hand commands over the same way; what the session sends goes at the pace the
 * gateway takes ({@link SendPacer}) to a writer of its own per connection ({@link ConnectionWriter}), so the session's
 * thread never waits on the network, not even on a gateway that takes no more bytes. The listener is called on the
 * session's thread. Thread-safe.
 */
public final class ChatSession implements AutoCloseable {
    private static final Duration PING_INTERVAL = Duration.ofSeconds(2);
    private static final Duration PONG_PATIENCE = Duration.ofSeconds(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * How long a hello that signs in may wait for its welcome: the gateway hashes the password, and answers a nick's
     * repeated wrong passwords later and later; a session that gave up sooner would send them to the next gateway.
     */
    private static final Duration SIGN_IN_PATIENCE = Duration.ofSeconds(120);
    /**
     * How long after giving up on a hello a {@code bye "resumed elsewhere"} or a {@code nick_taken} may be that hello's
     * doing: the gateway went on with it after the session had moved to another, and took the session back, or holds
     * the nick for it until it sees the connection gone.
     */
    private static final Duration OWN_TAKEOVER_WINDOW = Duration.ofMinutes(2);
    /** Senders named in the notice of the messages that waited; the rest are counted together. */
    private static final int WAITING_SENDERS_NAMED = 5;
    private static final String REGISTER_REF = "register";
    private static final int TIMELINE_CAPACITY = 10_000;
    private static final int PAGE = Limits.DEFAULT_HISTORY_PAGE;
    private static final String OLDER_REF = "older";
    /** The ref of a conversation's newest page, asked to catch up: {@code catch-up:@nick}. */
    private static final String CATCH_UP_REF = "catch-up:";
    private static final String WHO_REF = "who";
    /**
     * The ref of a join the session sends, {@code join:} and the room: its replay's frames and its refusal carry it,
     * which tells them from others.
     */
    private static final String JOIN_REF = "join:";
    /** How often the session's thread looks at the clock: often while frames wait for their turn to go. */
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long PACED_POLL_MILLIS = 10;
    /** The first wait before asking again for a replay the history service could not give; doubled up to the cap. */
    private static final Duration REPLAY_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration REPLAY_RETRY_CAP = Duration.ofSeconds(15);
    /** The reason of the {@code bye} that a connection gets when another takes its session over. */
    private static final String RESUMED_ELSEWHERE = "resumed elsewhere";

    /** What the session tells its user about, on the session's thread. */
    public interface Listener {
        /** The connection's state changed; {@code state} is also what a status bar shows. */
        default void state(Failover.State state) {}

        /** A room or conversation shows something new (a message, a notice, an own message's progress). */
        default void changed(String stream) {}

        /** A message from someone else arrived live: it counts as unread where the user is not looking. */
        default void arrived(String stream, Timeline.Entry message) {}

        /**
         * A message takes its place in the log for the first time, whoever said it and however it came (live, in a
         * replay, from history; an own message with its ack or its copy, whichever is first); never twice for one
         * message. One that fills a gap a replay left, once the history service could give it, is told by
         * {@link #filledIn} instead.
         */
        default void shown(String stream, Timeline.Entry message) {}

        /**
         * A message that a rejoin's replay could not give at first (the history service was away) is shown now, in
         * its place, above live messages shown meanwhile.
         */
        default void filledIn(String stream, Timeline.Entry message) {}

        /** A gateway confirmed a join of {@code room}: its messages from seq {@code live} on come live. */
        default void joined(String room, long live) {}

        /** A room was joined, or a direct conversation began. */
        default void opened(String stream) {}

        /** A room was left. */
        default void closed(String stream) {}

        /** Who is in a room: on a join, in answer to {@code who}, and after each presence change. */
        default void members(String room, List<String> members) {}

        /** The answer to {@code rooms}. */
        default void rooms(List<ServerFrame.RoomSummary> rooms) {}

        /** Something to tell the user that belongs to no room: an error the gateway sent. */
        default void notice(String text) {}

        /**
         * A gateway welcomed the session under {@code token}, its secret: presented again after a restart, it resumes
         * the session while the cluster still holds it.
         */
        default void welcomed(String token) {}

        /** A gateway welcomed the session signed in to its nick's account ({@code true}), or as a guest. */
        default void account(boolean signedIn) {}

        /**
         * The session needs credentials to go on, and connects to no gateway until {@link #signIn} gives them;
         * {@code why} says so to the user (the nick is registered, the password was wrong, ...).
         */
        default void credentialsNeeded(String why) {}

        /**
         * The session has ended for good: the gateways refused it (its nick is held by another), or another client
         * took it over with its token.
         */
        default void refused(String why) {}
    }

    private sealed interface Event {
        record Connected(long connection, Socket socket) implements Event {}

        record Frame(long connection, ServerFrame frame) implements Event {}

        record Closed(long connection, String why) implements Event {}

        record Run(Runnable action) implements Event {}
    }

    private final String nick;
    private final Clock clock;
    private final Failover failover;
    private final PingWatch pings = new PingWatch(PING_INTERVAL, PONG_PATIENCE);
    /**
     * The connection whose reader last read a {@code pong} the session's thread has not counted yet, or 0. A pong counts
     * when it is read, not when the session's thread reaches it: behind a backlog of frames to handle, a gateway that
     * answered would look hung, and leaving it would only bring the backlog again from another.
     */
    private final AtomicLong pongReadOn = new AtomicLong();
    private final SendPacer pacer = new SendPacer();
    private final Listener listener;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>(10_000);
    private final Map<String, Timeline> timelines = new LinkedHashMap<>();
    /** Members of each joined room, kept up to date by presence frames. */
    private final Map<String, Set<String>> members = new HashMap<>();
    /** Rooms joined on the current connection: a message can be said there (elsewhere it waits for the join). */
    private final Set<String> joinedHere = new HashSet<>();
    /** Where each room's live stream began on the last join: what a rejoin asks for when nothing was seen. */
    private final Map<String, Long> liveFrom = new HashMap<>();
    /**
     * Rooms and conversations whose replay is on its way, with the live messages that came meanwhile: they are shown
     * once the replay is, so that nothing appears above what was shown already.
     */
    private final Map<String, List<ServerFrame>> heldBack = new HashMap<>();
    /**
     * Rooms whose rejoin replay the history service could not give, by the {@code after} it asked from: later joins
     * ask from there again, whatever came live meanwhile, until a replay comes whole.
     */
    private final Map<String, Long> replayOwedFrom = new HashMap<>();
    /**
     * When each owed replay (a room's, or a conversation's newest page) is asked for again on this connection, and how
     * long the wait before that one was.
     */
    private final Map<String, Instant> replayRetryAt = new HashMap<>();
    private final Map<String, Duration> replayRetryWait = new HashMap<>();
    private final String idPrefix;
    private final Transport transport;
    private final Thread thread;
    private volatile boolean running = true;
    /** Closing: the session ends once its quit is out. */
    private boolean quitting;

    private String token;
    /** What signs the session in where it cannot resume; null for a guest. Never written anywhere. */
    private Credentials credentials;
    /** Connect to no gateway until {@link #signIn}: the gateway wants credentials the session does not have. */
    private boolean awaitingCredentials;
    /** Whether the last hello carried the credentials (rather than resuming, or as a guest). */
    private boolean helloSignedIn;
    /** How long the current connection attempt may wait for its welcome. */
    private Duration welcomePatience = PONG_PATIENCE;
    /** Whether the welcome said the session is signed in to an account. */
    private boolean account;
    /** The password of a {@code register} not answered yet: it signs in from then on once registered. */
    private String registering;
    /** Messages that waited for the account while it was offline, since the last welcome, by sender. */
    private final Map<String, Integer> waitedFrom = new LinkedHashMap<>();
    private int waited;
    /** The messages that waited, counted on this connection: each once, whether shown at once or held back. */
    private final Set<MessageKey> waitedHere = new HashSet<>();
    /**
     * Per conversation, the seq through which the messages that waited for the account are in its timeline, and the
     * gateway has not been told yet (see {@link #tellReceived}).
     */
    private final Map<String, Long> receivedWaiting = new HashMap<>();
    /** Whether this connection's {@code waited} came: every waiting message it brought is in. */
    private boolean waitedCame;
    private Socket socket;
    /** Writes the connection in use; null while there is none. */
    private ConnectionWriter writer;
    private long connectionId;
    /** When the current connection attempt began, to give up on a gateway that takes it but never welcomes. */
    private Instant connectingSince;
    private boolean welcomed;
    private long nextId;
    /** When the session last gave up waiting for the welcome of a hello; null if never. */
    private Instant abandonedHelloAt;

    public ChatSession(String nick, List<Failover.Gateway> gateways, Clock clock, RandomGenerator random, Listener listener) {
        this(nick, gateways, clock, random, listener, null);
    }

    /** @param token the session token of an earlier run, to resume that session; null for a fresh one */
    public ChatSession(String nick, List<Failover.Gateway> gateways, Clock clock, RandomGenerator random,
                       Listener listener, String token) {
        this(nick, gateways, clock, random, listener, token, Transport.plain());
    }

    /** @param transport how each gateway is reached: plain TCP, or TLS */
    public ChatSession(String nick, List<Failover.Gateway> gateways, Clock clock, RandomGenerator random,
                       Listener listener, String token, Transport transport) {
        this.transport = transport;
        this.nick = nick;
        this.token = token;
        this.clock = clock;
        this.listener = listener;
        this.failover = new Failover(gateways, random, Duration.ofMillis(500), Duration.ofSeconds(30));
        this.idPrefix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
        this.thread = Thread.ofVirtual().name("session-" + nick).unstarted(this::run);
    }

    /** The stream of the direct conversation with {@code nick}. */
    public static String conversationWith(String nick) {
        return "@" + Limits.foldNick(nick);
    }

    public static boolean isConversation(String stream) {
        return stream.startsWith("@");
    }

    /** The other side of the direct conversation {@code stream}. */
    private static String otherOf(String conversation) {
        return conversation.substring(1);
    }

    public String nick() {
        return nick;
    }

    /** Whether a pong was read that the session's thread has not counted yet. For tests. */
    boolean pongUncounted() {
        return pongReadOn.get() != 0;
    }

    public void start() {
        thread.start();
    }

    /**
     * Makes the session ask for credentials ({@link Listener#credentialsNeeded}) as soon as it starts, and connect
     * only once {@link #signIn} gives them. Called before {@link #start}.
     */
    public void signInFirst() {
        if (thread.isAlive()) {
            throw new IllegalStateException("the session has started");
        }
        awaitingCredentials = true;
    }

    /**
     * Signs in with {@code credentials} from the next hello on; a session that was waiting for them connects now.
     * Given before {@link #start}, the first hello signs in.
     */
    public void signIn(Credentials credentials) {
        submit(() -> {
            this.credentials = credentials;
            awaitingCredentials = false;
        });
    }

    /**
     * Registers the nick the session holds to an account with {@code password}, which then signs the session in on
     * every later hello that cannot resume.
     */
    public void register(String password) {
        submit(() -> {
            if (!welcomed) {
                listener.notice("not connected: /register again in a moment");
            } else if (account) {
                listener.notice(AccountText.alreadyAnAccount(nick));
            } else {
                registering = password;
                send(new ClientFrame.Register(password, REGISTER_REF));
            }
        });
    }

    // ---- commands, from any thread ----

    public void join(String room) {
        submit(() -> {
            if (!timelines.containsKey(room)) {
                timeline(room);
                listener.opened(room);
            }
            if (welcomed) {
                rejoin(room, timeline(room).lastSeq());
            }
        });
    }

    /** Leaves a room, or closes a direct conversation (which a new message opens again). */
    public void part(String room) {
        submit(() -> {
            if (timelines.remove(room) != null) {
                members.remove(room);
                liveFrom.remove(room);
                joinedHere.remove(room);
                heldBack.remove(room);
                replayOwedFrom.remove(room);
                replayRetryAt.remove(room);
                replayRetryWait.remove(room);
                if (welcomed && !isConversation(room)) {
                    send(new ClientFrame.Part(room, null));
                }
                listener.closed(room);
            }
        });
    }

    /**
     * Opens the direct conversation with {@code with} without saying anything, as a restart does for the
     * conversations open before it: it shows its recent messages once a gateway is reached.
     */
    public void openConversation(String with) {
        submit(() -> showConversation(conversationWith(with)));
    }

    /**
     * Says {@code text} in a room, or to the nick of a direct conversation: shown at once, sent now or as soon as a
     * gateway is reached.
     */
    public void say(String stream, String text) {
        submit(() -> {
            showConversation(stream);
            String id = idPrefix + nextId++;
            timeline(stream).said(id, text, clock.instant().toString());
            listener.changed(stream);
            sendOwn(stream, id, text);
        });
    }

    /** Sends the failed own messages of a stream again, under their ids. */
    public void retry(String stream) {
        submit(() -> {
            Timeline timeline = timelines.get(stream);
            if (timeline != null) {
                timeline.retryFailed().forEach(e -> sendOwn(stream, e.id(), e.text()));
                listener.changed(stream);
            }
        });
    }

    /** Asks a page of messages older than the first a stream shows, unless it shows the first of all already. */
    public void older(String stream) {
        submit(() -> {
            Timeline timeline = timelines.get(stream);
            if (timeline == null || timeline.oldestShown() || !welcomed) {
                return;
            }
            askHistory(stream, timeline.firstSeq(), OLDER_REF);
        });
    }

    public void who(String room) {
        submit(() -> sendIfConnected(new ClientFrame.Who(room, WHO_REF)));
    }

    public void rooms() {
        submit(() -> sendIfConnected(new ClientFrame.Rooms(null)));
    }

    private void sendIfConnected(ClientFrame question) {
        if (welcomed) {
            send(question);
        } else {
            listener.notice("not connected: ask again in a moment");
        }
    }

    /** A line of the client's own in a stream: help, answers, errors. */
    public void notice(String stream, String text) {
        submit(() -> note(stream, text));
    }

    /** A copy of what a stream shows now, oldest first; empty for a stream the session does not have. */
    public List<Timeline.Entry> entries(String stream) throws InterruptedException {
        return ask(s -> {
            Timeline timeline = s.timelines.get(stream);
            return timeline == null ? List.of() : timeline.entries();
        });
    }

    /** The nicks in a room, as last heard. */
    public List<String> members(String room) throws InterruptedException {
        return ask(s -> s.members.getOrDefault(room, Set.of()).stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
    }

    private <T> T ask(Function<ChatSession, T> question) throws InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(() -> result.complete(question.apply(this)));
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the session did not answer", e);
        }
    }

    private void submit(Runnable action) {
        if (!events.offer(new Event.Run(action))) {
            throw new IllegalStateException("the session is not keeping up");
        }
    }

    // ---- the session's thread ----

    private Timeline timeline(String stream) {
        return timelines.computeIfAbsent(stream, s -> new Timeline(nick, TIMELINE_CAPACITY));
    }

    private void note(String stream, String text) {
        timeline(stream).note(text, clock.instant().toString());
        listener.changed(stream);
    }

    /**
     * A direct conversation shown for the first time brings its recent history with it, before any live message (the
     * one that opened it, too).
     */
    private void showConversation(String stream) {
        if (isConversation(stream) && !timelines.containsKey(stream)) {
            timeline(stream);
            listener.opened(stream);
            if (welcomed) {
                catchUp(stream);
                if (!account) {
                    note(stream, AccountText.conversationOfGuest(nick));
                }
            }
        }
    }

    /**
     * Asks a conversation's newest page, which brings what it missed while no gateway was in use, holding its live
     * messages back until the page is shown (an account's only: a guest's conversations keep no history).
     */
    private void catchUp(String conversation) {
        if (account) {
            heldBack.putIfAbsent(conversation, new ArrayList<>());
            askHistory(conversation, null, catchUpRef(conversation));
        }
    }

    /** Asks a page of a stream's history, but not of a direct conversation for a guest: only accounts may read one. */
    private void askHistory(String stream, Long before, String ref) {
        if (!isConversation(stream) || account) {
            send(historyOf(stream, before, ref));
        }
    }

    private static ClientFrame.History historyOf(String stream, Long before, String ref) {
        return isConversation(stream)
            ? new ClientFrame.History(null, otherOf(stream), before, PAGE, ref)
            : new ClientFrame.History(stream, null, before, PAGE, ref);
    }

    /**
     * Sends an own message now if it can go (a gateway welcomed the session, and joined the room); else it waits. One
     * that went out before goes as a resend, so that its ack names the copy the log holds first.
     */
    private void sendOwn(String stream, String id, String text) {
        if (isConversation(stream) ? welcomed : joinedHere.contains(stream)) {
            Timeline timeline = timeline(stream);
            boolean resend = timeline.wentOut(id);
            timeline.sent(id, clock.instant());
            send(isConversation(stream)
                ? new ClientFrame.Dm(otherOf(stream), text, id, resend, id)
                : new ClientFrame.Say(stream, text, id, resend, id));
        }
    }

    private void run() {
        listener.state(failover.state());
        if (awaitingCredentials) {
            listener.credentialsNeeded(AccountText.signInAsked(nick));
        }
        try {
            while (running) {
                Instant now = clock.instant();
                Failover.State before = failover.state();
                if (failover.tick(now) instanceof Failover.State.Connecting c && connectingSince == null
                    && !awaitingCredentials) {
                    connect(c.target(), now);
                }
                if (connectingSince != null && !welcomed && now.isAfter(connectingSince.plus(welcomePatience))) {
                    // A frozen process's kernel still accepts connections; only the welcome tells it is alive.
                    abandonedHelloAt = now;
                    lose("no welcome within " + welcomePatience.toSeconds() + " s");
                } else if (welcomed) {
                    if (pongReadOn.getAndSet(0) == connectionId) {
                        pings.ponged();
                    }
                    if (pings.overdue(now)) {
                        lose("no pong for " + PONG_PATIENCE.toSeconds() + " s");
                    } else if (pings.pingDue(now)) {
                        pings.pinged(now);
                        send(new ClientFrame.Ping(null));
                    }
                    giveUpOnLateAcks(now);
                    askOwedReplays(now);
                }
                writeDue(now);
                if (quitting && !pacer.hasWaiting() && (writer == null || writer.drained())) {
                    running = false;
                }
                if (failover.state() != before) {
                    listener.state(failover.state());
                }
                Event event = events.poll(pacer.hasWaiting() ? PACED_POLL_MILLIS : IDLE_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
                if (event != null) {
                    handle(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSocket();
        }
    }

    private void handle(Event event) {
        switch (event) {
            case Event.Run r -> r.action().run();
            case Event.Connected c -> {
                if (c.connection() == connectionId) {
                    opened(c.socket());
                } else {
                    closeQuietly(c.socket());
                }
            }
            case Event.Closed c -> {
                if (c.connection() == connectionId) {
                    lose(c.why());
                }
            }
            case Event.Frame f -> {
                if (f.connection() == connectionId) {
                    frame(f.frame());
                }
            }
        }
    }

    /** Opens a connection on a thread of its own, which then reads it: a gateway slow to answer holds nothing up. */
    private void connect(Failover.Gateway target, Instant now) {
        long id = ++connectionId;
        welcomed = false;
        joinedHere.clear();
        connectingSince = now;
        Thread.ofVirtual().name("session-" + nick + "-connection-" + id).start(() -> {
            Socket s;
            try {
                s = transport.open(target, CONNECT_TIMEOUT);
            } catch (IOException e) {
                events.offer(new Event.Closed(id, "cannot reach " + target + ": " + e.getMessage()));
                return;
            }
            try {
                events.put(new Event.Connected(id, s));
            } catch (InterruptedException e) {
                closeQuietly(s);
                Thread.currentThread().interrupt();
                return;
            }
            read(s, id);
        });
    }

    private void opened(Socket s) {
        socket = s;
        pacer.reset(clock.instant());
        long id = connectionId;
        try {
            writer = new ConnectionWriter("session-" + nick + "-writer-" + id, s.getOutputStream(),
                e -> events.offer(new Event.Closed(id, "cannot write: " + e.getMessage())));
        } catch (IOException e) {
            lose("cannot write: " + e.getMessage());
            return;
        }
        hello();
    }

    /** Resumes with the session token when there is one; else signs in with the credentials, if any. */
    private void hello() {
        helloSignedIn = token == null && credentials != null;
        welcomePatience = helloSignedIn ? SIGN_IN_PATIENCE : PONG_PATIENCE;
        connectingSince = clock.instant();
        String password = helloSignedIn && credentials instanceof Credentials.Password p ? p.password() : null;
        String jwt = helloSignedIn && credentials instanceof Credentials.Token t ? t.token() : null;
        send(new ClientFrame.Hello(nick, Limits.PROTOCOL_VERSION, token, password, jwt, null));
    }

    private void read(Socket s, long id) {
        String why = "connection closed";
        try {
            LineReader reader = new LineReader(s.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    ServerFrame frame = FrameCodec.decodeServer(line);
                    if (frame instanceof ServerFrame.Pong) {
                        pongReadOn.set(id);
                    }
                    events.put(new Event.Frame(id, frame));
                } catch (ProtocolException e) {
                    // A frame of a newer gateway this client does not know: passed over.
                }
            }
        } catch (IOException | ProtocolException e) {
            why = "connection lost: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.offer(new Event.Closed(id, why));
    }

    private void frame(ServerFrame frame) {
        switch (frame) {
            case ServerFrame.Welcome w -> welcome(w);
            case ServerFrame.Message m -> {
                if (!holdBack(m.room(), m)) {
                    received(m.room(), m);
                }
            }
            case ServerFrame.Dm d -> {
                String other = d.from().equalsIgnoreCase(nick) ? d.to() : d.from();
                String stream = conversationWith(other);
                showConversation(stream);
                if (d.waiting() && !timelines.get(stream).shows(d.from(), d.id())
                    && waitedHere.add(new MessageKey(stream, d.from(), d.id()))) {
                    waited(d.from());
                }
                if (!holdBack(stream, d)) {
                    received(stream, d);
                }
            }
            case ServerFrame.History h -> history(h);
            case ServerFrame.Ack a -> acked(a);
            case ServerFrame.Joined j -> joined(j);
            case ServerFrame.Members m -> members(m);
            case ServerFrame.RoomList r -> listener.rooms(r.rooms());
            case ServerFrame.Presence p -> presence(p);
            case ServerFrame.Pong p -> {
                // Counted when it was read (pongReadOn).
            }
            case ServerFrame.Bye b -> bye(b);
            case ServerFrame.Error e -> error(e);
            case ServerFrame.Parted p -> {
                // The part was done when the user asked for it.
            }
            case ServerFrame.Registered r -> registered();
            case ServerFrame.Waited w -> {
                // The waiting messages themselves came as dm frames just before, each counted as it came.
                waitedCame = true;
            }
        }
        tellReceived();
    }

    /**
     * Tells the gateway which of the messages that waited for the account are in their timelines, once its
     * {@code waited} came: until then a conversation may have more on their way, and one frame per conversation covers
     * them all. Those shown later (held back meanwhile, or come live) are told as they are shown. Until told, the
     * messages wait on, and the next welcome brings them again: a connection that dies before this frame is out loses
     * none.
     */
    private void tellReceived() {
        if (!waitedCame || receivedWaiting.isEmpty()) {
            return;
        }
        receivedWaiting.forEach((stream, through) -> send(new ClientFrame.Received(otherOf(stream), through, null)));
        receivedWaiting.clear();
    }

    /** Keeps a live message back while its stream's replay is on its way; returns whether it was kept. */
    private boolean holdBack(String stream, ServerFrame message) {
        List<ServerFrame> held = heldBack.get(stream);
        if (held == null) {
            return false;
        }
        held.add(message);
        return true;
    }

    /** The replay of a stream is in (or will not come): the live messages held back meanwhile are shown after it. */
    private void releaseHeldBack(String stream) {
        List<ServerFrame> held = heldBack.remove(stream);
        if (held != null) {
            for (ServerFrame message : held) {
                received(stream, message);
            }
        }
    }

    /** Shows a live message unless the stream shows it already. */
    private void received(String stream, ServerFrame message) {
        Timeline timeline = timelines.get(stream);
        if (timeline == null) {
            return;
        }
        if (message instanceof ServerFrame.Dm d && d.waiting()) {
            // In the timeline now, or shown already on an earlier connection.
            receivedWaiting.merge(stream, d.seq(), Math::max);
        }
        if (!timeline.receive(message)) {
            return;
        }
        Timeline.Entry entry = Timeline.entryOf(message);
        listener.shown(stream, entry);
        if (!entry.from().equalsIgnoreCase(nick)) {
            listener.arrived(stream, entry);
        }
        listener.changed(stream);
    }

    /**
     * A direct message that waited for the account while it was offline. They come one by one right after the
     * welcome; each updates one notice of how many waited and from whom.
     */
    private void waited(String from) {
        waited++;
        String sender = Limits.foldNick(from);
        if (waitedFrom.containsKey(sender) || waitedFrom.size() < WAITING_SENDERS_NAMED) {
            waitedFrom.merge(sender, 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder(waited + (waited == 1 ? " message" : " messages")
            + " waited for you while you were away: ");
        int named = 0;
        for (Map.Entry<String, Integer> e : waitedFrom.entrySet()) {
            text.append(named == 0 ? "" : ", ").append(e.getValue()).append(" from ").append(e.getKey());
            named += e.getValue();
        }
        if (named < waited) {
            text.append(", ").append(waited - named).append(" from others");
        }
        listener.notice(text.toString());
    }

    /** The nick is the account's now, and the password it was registered with signs in from now on. */
    private void registered() {
        if (registering != null) {
            credentials = new Credentials.Password(registering);
            registering = null;
        }
        account = true;
        listener.account(true);
        listener.notice(AccountText.registered(nick));
    }

    private void history(ServerFrame.History h) {
        String stream = h.room() != null ? h.room() : conversationWith(h.with());
        Timeline timeline = timelines.get(stream);
        if (timeline == null) {
            return;
        }
        boolean rejoinReplay = joinRef(stream).equals(h.ref());
        // What a stream missed while no gateway was in use: a rejoin's replay, or a conversation's newest page.
        boolean catchUp = isConversation(stream) ? catchUpRef(stream).equals(h.ref()) : rejoinReplay;
        // A replay asked again, after one the history service could not give: what it brings fills a gap.
        boolean fillsGap = catchUp && replayRetryWait.containsKey(stream);
        if (h.unavailable()) {
            if (catchUp && (isConversation(stream) || replayOwedFrom.containsKey(stream))) {
                if (!fillsGap) {
                    note(stream, "history is unavailable for now: live messages go on, and what is missing comes"
                        + " when it can");
                }
                rejoinLater(stream);
            } else {
                note(stream, "history is unavailable for now: live messages go on");
            }
        }
        // A rejoin's replay may come in several pages (more: another follows); a conversation's catch-up is one page
        // (more: older messages lie below it).
        boolean ends = catchUp && (isConversation(stream) || !h.more());
        for (Arrival a : inSeqOrder(h.messages(), ends ? heldBack.remove(stream) : null)) {
            if (a.live()) {
                received(stream, a.frame());
            } else if (timeline.receive(a.frame())) {
                if (fillsGap) {
                    listener.filledIn(stream, Timeline.entryOf(a.frame()));
                } else {
                    listener.shown(stream, Timeline.entryOf(a.frame()));
                }
            }
        }
        if (OLDER_REF.equals(h.ref()) && !h.more()) {
            timeline.reachedOldest();
        }
        if (ends && !h.unavailable()) {
            replayOwedFrom.remove(stream);
            replayRetryAt.remove(stream);
            replayRetryWait.remove(stream);
        }
        listener.changed(stream);
    }

    /** A message of a {@code history} frame, or a live one held back while it came. */
    private record Arrival(ServerFrame frame, boolean live) {}

    /**
     * A page and the live messages held back while the replay it ends came, together, in seq order: the gateway's
     * replay holds what it sent live before the {@code join}, but a client that shows messages in seq order need not
     * count on it.
     */
    private static List<Arrival> inSeqOrder(List<ServerFrame> page, List<ServerFrame> held) {
        List<Arrival> all = new ArrayList<>(page.size() + (held == null ? 0 : held.size()));
        page.forEach(m -> all.add(new Arrival(m, false)));
        if (held != null) {
            held.forEach(m -> all.add(new Arrival(m, true)));
        }
        all.sort(Comparator.comparingLong(a -> Timeline.entryOf(a.frame()).seq()));
        return all;
    }

    /**
     * The history service could not give a join's replay, or Kafka did not take the join: the join is sent again after
     * a wait, doubled each time, asking from where the replay was owed (and the next connection asks from there too).
     * A conversation's newest page the history service could not give is asked again the same way.
     */
    private void rejoinLater(String room) {
        Duration wait = replayRetryWait.merge(room, REPLAY_RETRY_FIRST,
            (last, first) -> last.multipliedBy(2).compareTo(REPLAY_RETRY_CAP) > 0 ? REPLAY_RETRY_CAP : last.multipliedBy(2));
        replayRetryAt.put(room, clock.instant().plus(wait));
    }

    private void askOwedReplays(Instant now) {
        List<String> due = replayRetryAt.entrySet().stream().filter(e -> !now.isBefore(e.getValue()))
            .map(Map.Entry::getKey).toList();
        for (String stream : due) {
            replayRetryAt.remove(stream);
            Timeline timeline = timelines.get(stream);
            if (timeline == null) {
                continue;
            }
            // Not held back this time: the live messages go on while the history service is away.
            if (isConversation(stream)) {
                askHistory(stream, null, catchUpRef(stream));
            } else {
                sendJoin(stream, timeline.lastSeq());
            }
        }
    }

    /** An ack, also one that comes after the client gave up waiting for it: the message made it after all. */
    private void acked(ServerFrame.Ack a) {
        String stream = awaiting(a.id());
        if (stream != null) {
            Timeline.Entry confirmed = timelines.get(stream).acked(a.id(), a.seq(), a.ts());
            if (confirmed != null) {
                listener.shown(stream, confirmed);
            }
            listener.changed(stream);
        }
    }

    /** The stream whose own message of this id waits for its ack, or null. */
    private String awaiting(String id) {
        for (Map.Entry<String, Timeline> t : timelines.entrySet()) {
            if (t.getValue().awaits(id)) {
                return t.getKey();
            }
        }
        return null;
    }

    private void giveUpOnLateAcks(Instant now) {
        timelines.forEach((stream, timeline) -> {
            if (timeline.giveUpOnLateAcks(now)) {
                listener.changed(stream);
            }
        });
    }

    private void presence(ServerFrame.Presence p) {
        Set<String> in = members.get(p.room());
        if (in == null) {
            return;
        }
        boolean joinedRoom = p.event().equals("join");
        List<String> changed = new ArrayList<>();
        for (String nick : p.nicks()) {
            if (joinedRoom ? in.add(nick) : in.remove(nick)) {
                changed.add(nick);
            }
        }
        if (!changed.isEmpty()) {
            listener.members(p.room(), in.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
            note(p.room(), namesOf(changed) + (joinedRoom ? " joined " : " left ") + p.room());
        }
    }

    /**
     * A page of a room's members: the answer to {@code who}, or the gateway's word that the room went quiet (its joins
     * and leaves are no longer announced) or is announced again (the whole list). Either way it is the list to show.
     */
    private void members(ServerFrame.Members m) {
        boolean joinedRoom = timelines.containsKey(m.room());
        if (joinedRoom) {
            members.put(m.room(), new HashSet<>(m.members()));
            listener.members(m.room(), m.members());
        }
        String answer;
        if (m.ref() == null) {
            answer = m.quiet() ? m.count() + " in " + m.room() + ": joins and leaves are no longer shown here (/who lists)"
                : m.count() + " in " + m.room() + ": joins and leaves are shown again";
        } else {
            answer = m.count() + " in " + m.room() + ": " + String.join(", ", m.members())
                + (m.more() ? " and " + (m.count() - m.members().size()) + " more" : "");
        }
        if (joinedRoom) {
            note(m.room(), answer);
        } else {
            listener.notice(answer);
        }
    }

    /** A few nicks by name, more by their number. */
    private static String namesOf(List<String> nicks) {
        int shown = 3;
        if (nicks.size() <= shown + 1) {
            return String.join(", ", nicks);
        }
        return String.join(", ", nicks.subList(0, shown)) + " and " + (nicks.size() - shown) + " others";
    }

    private void welcome(ServerFrame.Welcome w) {
        token = w.session();
        welcomed = true;
        connectingSince = null;
        account = w.account();
        waited = 0;
        waitedFrom.clear();
        waitedHere.clear();
        receivedWaiting.clear();
        waitedCame = false;
        if (registering != null) {
            // Registered before the connection was lost, or not: the resumed session's welcome tells which.
            if (account) {
                credentials = new Credentials.Password(registering);
            } else {
                listener.notice(AccountText.registrationCut(nick));
            }
            registering = null;
        }
        listener.account(account);
        failover.connected();
        pings.reset(clock.instant());
        listener.state(failover.state());
        listener.welcomed(token);
        for (Map.Entry<String, Timeline> t : timelines.entrySet()) {
            String stream = t.getKey();
            if (isConversation(stream)) {
                // Direct messages have no join: the history brings what came while no gateway was in use.
                catchUp(stream);
                t.getValue().unacked().forEach(e -> sendOwn(stream, e.id(), e.text()));
                listener.changed(stream);
            } else {
                rejoin(stream, t.getValue().lastSeq());
            }
        }
    }

    /**
     * Joins a room (again, on a new connection), holding its live messages back until the replay is shown, so that
     * they come after it.
     */
    private void rejoin(String room, long lastSeen) {
        heldBack.putIfAbsent(room, new ArrayList<>());
        sendJoin(room, lastSeen);
    }

    /**
     * Joins from the last message seen, or from where a replay was owed. When none was seen (the gateway died before
     * its replay came), from where the last join's live stream began, with the history below it that the replay held.
     */
    private void sendJoin(String room, long lastSeen) {
        Long live = liveFrom.get(room);
        Long owed = replayOwedFrom.get(room);
        replayRetryAt.remove(room);
        String ref = joinRef(room);
        if (lastSeen >= 0 || owed != null) {
            // What was owed lies below everything shown since, which came live.
            long after = owed != null ? owed : lastSeen;
            replayOwedFrom.put(room, after);
            send(new ClientFrame.Join(room, after, ref));
        } else if (live != null) {
            send(new ClientFrame.Join(room, live - 1, ref));
            send(historyOf(room, live, null));
        } else {
            send(new ClientFrame.Join(room, null, ref));
        }
    }

    private static String joinRef(String room) {
        return JOIN_REF + room;
    }

    private static String catchUpRef(String conversation) {
        return CATCH_UP_REF + conversation;
    }

    /** In the room on this connection: what was said there and not acked goes (again) under its original id. */
    private void joined(ServerFrame.Joined j) {
        String room = j.room();
        if (!timelines.containsKey(room) || !joinedHere.add(room)) {
            return;
        }
        members.put(room, new HashSet<>(j.members()));
        // The first join's start is the one to keep: until a message is seen, nothing above it has been shown.
        liveFrom.putIfAbsent(room, j.live());
        listener.joined(room, j.live());
        listener.members(room, j.members().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
        Timeline timeline = timeline(room);
        for (Timeline.Entry e : timeline.unacked()) {
            sendOwn(room, e.id(), e.text());
        }
        listener.changed(room);
    }

    private void error(ServerFrame.Error e) {
        if (e.ref() != null && e.ref().startsWith(JOIN_REF) && timelines.containsKey(e.ref().substring(JOIN_REF.length()))) {
            joinRefused(e.ref().substring(JOIN_REF.length()), e);
            return;
        }
        if (e.ref() != null && e.ref().startsWith(CATCH_UP_REF)
            && timelines.containsKey(e.ref().substring(CATCH_UP_REF.length()))) {
            catchUpRefused(e.ref().substring(CATCH_UP_REF.length()), e);
            return;
        }
        // An own message goes with its id as its ref.
        String refused = e.ref() == null ? null : awaiting(e.ref());
        if (refused != null) {
            timelines.get(refused).failed(e.ref());
            note(refused, "not sent: " + e.message());
            return;
        }
        if (REGISTER_REF.equals(e.ref())) {
            registerRefused(e);
            return;
        }
        if (!welcomed && signInRefused(e.code())) {
            return;
        }
        if (welcomed && e.code() == ErrorCode.AUTH_REQUIRED) {
            listener.notice(AccountText.accountsOnly(nick));
            return;
        }
        if (!welcomed && e.code() == ErrorCode.NICK_TAKEN) {
            if (gaveUpOnAHelloLately()) {
                // Most likely the claim of that hello holds the nick, until its gateway sees the connection gone.
                lose("the nick is held, most likely by a hello this client gave up on");
                return;
            }
            running = false;
            listener.refused("the nick " + nick + " is held by another session: " + e.message());
            return;
        }
        if (!welcomed && e.code() == ErrorCode.UNAVAILABLE) {
            lose("hello refused: " + e.message());
            return;
        }
        listener.notice(e.code().wireName() + ": " + e.message());
    }

    /**
     * A join was refused: what it held back is shown, and one refused for now (Kafka did not take it, or the gateway
     * dropped it as over the rate) is tried again later, since the room's unsent messages wait for it.
     */
    private void joinRefused(String room, ServerFrame.Error e) {
        if (worthAskingAgain(e.code())) {
            rejoinLater(room);
        }
        releaseHeldBack(room);
        note(room, "not joined: " + e.message());
    }

    /** A conversation's catch-up was refused: what it held back is shown, and it is asked again later if it may be. */
    private void catchUpRefused(String conversation, ServerFrame.Error e) {
        if (worthAskingAgain(e.code())) {
            rejoinLater(conversation);
        } else {
            note(conversation, "history is unavailable: " + e.message());
        }
        releaseHeldBack(conversation);
    }

    /** Refused for now, not for good: Kafka did not take it, or the gateway took too many frames at once. */
    private static boolean worthAskingAgain(ErrorCode code) {
        return code == ErrorCode.UNAVAILABLE || code == ErrorCode.RATE_LIMITED;
    }

    /**
     * An answer to a hello that wants credentials, or refuses the ones it carried: the session signs in with the
     * credentials it has when the hello carried none (it tried to resume), and else asks for them. Returns whether
     * the error was one of these.
     */
    private boolean signInRefused(ErrorCode code) {
        String ask;
        switch (code) {
            case NICK_REGISTERED, AUTH_REQUIRED -> {
                if (!helloSignedIn && credentials != null) {
                    // The resume was not possible: the token is stale, and only the credentials let the nick in.
                    token = null;
                    hello();
                    return true;
                }
                ask = code == ErrorCode.AUTH_REQUIRED ? AccountText.guestsOff(nick) : AccountText.nickRegistered(nick);
            }
            case AUTH_FAILED, BAD_PASSWORD -> {
                ask = credentials instanceof Credentials.Token ? AccountText.tokenRefused(nick)
                    : AccountText.wrongPassword(nick);
                credentials = null;
            }
            default -> {
                return false;
            }
        }
        token = null;
        awaitingCredentials = true;
        // Nothing goes on this connection until the user answers, which may take longer than a gateway waits.
        closeSocket();
        connectionId++;
        connectingSince = null;
        listener.credentialsNeeded(ask);
        return true;
    }

    private void registerRefused(ServerFrame.Error e) {
        registering = null;
        listener.notice(switch (e.code()) {
            case NICK_REGISTERED -> AccountText.registeredFirst(nick);
            case BAD_PASSWORD -> AccountText.badPassword(e.message());
            case AUTH_REQUIRED -> AccountText.accountsOnly(nick);
            default -> "not registered: " + e.message();
        });
    }

    /** Sends a frame on the connection in use, at the pace the gateway takes (a frame over it waits its turn). */
    private void send(ClientFrame frame) {
        if (writer == null) {
            return;
        }
        if (!pacer.offer(frame)) {
            lose("more frames to send than a gateway takes");
            return;
        }
        writeDue(clock.instant());
    }

    /**
     * Hands the frames whose turn has come to the connection's writer, all in one write. A gateway that left two bursts
     * of the longest lines unread stopped reading: it is given up, as one that stopped answering pings.
     */
    private void writeDue(Instant now) {
        if (writer == null || !pacer.hasWaiting()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (ClientFrame frame : pacer.due(now)) {
            lines.append(FrameCodec.encode(frame)).append('\n');
        }
        if (!lines.isEmpty() && !writer.offer(lines.toString().getBytes(StandardCharsets.UTF_8))) {
            lose("the gateway takes nothing more of what is sent");
        }
    }

    /**
     * The gateway said bye. Any reason but one means it is going away, and another gateway takes over; "resumed
     * elsewhere" means another client presented this session's token (the same nick started again with the same
     * remembered state) and holds the session now: taking it back would only take it from that one in turn.
     */
    private void bye(ServerFrame.Bye b) {
        if (RESUMED_ELSEWHERE.equals(b.reason()) && gaveUpOnAHelloLately()) {
            // Most likely a hello of its own that it gave up on, taken up late (each gateway it gave up on may take
            // one up): it resumes again rather than end.
            lose("the session was taken over by a connection this client had given up on");
        } else if (RESUMED_ELSEWHERE.equals(b.reason())) {
            running = false;
            listener.refused("another client took over the session of " + nick + " (it was started again elsewhere)");
        } else {
            lose("the gateway said bye: " + b.reason());
        }
    }

    /** Whether the session gave up waiting for the welcome of a hello within {@link #OWN_TAKEOVER_WINDOW}. */
    private boolean gaveUpOnAHelloLately() {
        return abandonedHelloAt != null && clock.instant().isBefore(abandonedHelloAt.plus(OWN_TAKEOVER_WINDOW));
    }

    /** The gateway in use is gone: drop its connection and let the failover pick the next. */
    private void lose(String why) {
        closeSocket();
        welcomed = false;
        connectingSince = null;
        joinedHere.clear();
        // What was held back was not shown, and the next rejoin asks for it again.
        heldBack.clear();
        replayRetryAt.clear();
        // Unacked messages are queued again: they are resent under their ids once a gateway is reached.
        timelines.forEach((stream, timeline) -> {
            if (timeline.requeue()) {
                listener.changed(stream);
            }
        });
        connectionId++;
        failover.lost(clock.instant(), why);
        listener.state(failover.state());
    }

    private void closeSocket() {
        pacer.clear();
        if (writer != null) {
            writer.close();
            writer = null;
        }
        closeQuietly(socket);
        socket = null;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Gone already.
            }
        }
    }

    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        submit(() -> {
            if (welcomed) {
                send(new ClientFrame.Quit(null));
            }
            quitting = true;
        });
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
