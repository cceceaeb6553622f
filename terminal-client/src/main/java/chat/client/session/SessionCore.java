package chat.client.session;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.failover.PingWatch;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.MessageKey;
import chat.protocol.ServerFrame;
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
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The state machine of a {@link ChatSession}: every rule of the session (failover, hello and sign-in, rejoin and
 * replay, held-back live messages, resends, dedup, pings) and no thread, socket or queue. It is handed what happened
 * (a connection opened or closed, a frame read, a user's command, the time passing with {@link #tick}), reads the time
 * from its {@link Clock}, and acts through its {@link Network} (open a connection, write lines, close it) and its
 * {@link ChatSession.Listener}, so that a test drives it frame by frame and step by step of a clock, with no socket
 * and no sleep. Not thread-safe: the session's thread owns it, and is the thread its network and listener are called
 * on.
 */
final class SessionCore {
    private static final Duration PING_INTERVAL = Duration.ofSeconds(2);
    private static final Duration PONG_PATIENCE = Duration.ofSeconds(5);
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
    /** The first wait before asking again for a replay the history service could not give; doubled up to the cap. */
    private static final Duration REPLAY_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration REPLAY_RETRY_CAP = Duration.ofSeconds(15);
    /** The reason of the {@code bye} that a connection gets when another takes its session over. */
    private static final String RESUMED_ELSEWHERE = "resumed elsewhere";

    /**
     * How the core reaches gateways. Each connection has an id the core gives it; what becomes of it comes back to the
     * core as {@link #connected}, {@link #frame} and {@link #closed} with that id.
     */
    interface Network {
        /** Starts opening connection {@code id} to {@code target}, without waiting for it. */
        void open(long id, Failover.Gateway target);

        /**
         * Hands {@code lines} to connection {@code id}'s writer, without waiting for them to be written; false when
         * too many bytes wait unwritten already, which means the gateway stopped reading.
         */
        boolean write(long id, byte[] lines);

        /** Whether everything handed to connection {@code id} has been written. */
        boolean drained(long id);

        /** Closes connection {@code id}, opened or being opened; what waits unwritten is dropped. */
        void close(long id);
    }

    private final String nick;
    private final Clock clock;
    private final Failover failover;
    private final PingWatch pings = new PingWatch(PING_INTERVAL, PONG_PATIENCE);
    private final SendPacer pacer = new SendPacer();
    private final ChatSession.Listener listener;
    private final Network network;
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
    private boolean started;
    /** False once the session has ended: quit, or refused for good. */
    private boolean running = true;
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
    /** Whether any gateway welcomed the session yet: until then, whether it is an account is not known. */
    private boolean welcomedOnce;
    /** Streams whose entries changed since the last {@link #publish}. */
    private final Set<String> changedStreams = new HashSet<>();
    /** The members of each room as last told to the listener, sorted. */
    private final Map<String, List<String>> shownMembers = new HashMap<>();
    private boolean membersChanged;
    private ChatSession.Shown published = ChatSession.Shown.NOTHING;
    /** The connection's state as last told to the listener. */
    private Failover.State toldState;
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
    /** The connection in use or being opened: frames and news of any other are out of date. */
    private long connectionId;
    /** Whether the connection {@link #connectionId} is open: what is sent goes to it. */
    private boolean connectionOpen;
    /** When the current connection attempt began, to give up on a gateway that takes it but never welcomes. */
    private Instant connectingSince;
    private boolean welcomed;
    private long nextId;
    /** When the session last gave up waiting for the welcome of a hello; null if never. */
    private Instant abandonedHelloAt;

    /** @param token the session token of an earlier run, to resume that session; null for a fresh one */
    SessionCore(String nick, List<Failover.Gateway> gateways, Clock clock, RandomGenerator random,
                ChatSession.Listener listener, String token, Network network) {
        this.nick = nick;
        this.token = token;
        this.clock = clock;
        this.listener = listener;
        this.network = network;
        this.failover = new Failover(gateways, random, Duration.ofMillis(500), Duration.ofSeconds(30));
        this.idPrefix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
    }

    private static String conversationWith(String nick) {
        return ChatSession.conversationWith(nick);
    }

    private static boolean isConversation(String stream) {
        return ChatSession.isConversation(stream);
    }

    /** The other side of the direct conversation {@code stream}. */
    private static String otherOf(String conversation) {
        return conversation.substring(1);
    }

    /**
     * Hands {@code to} what the session shows now, when it changed, and then tells the listener which streams changed
     * since the last time. Called after each turn of the session's thread, so that a burst of frames costs one copy of
     * each stream it changed, and the listener never hears of a change the snapshot it was handed does not hold yet.
     */
    void publish(Consumer<ChatSession.Shown> to) {
        List<String> streams = List.copyOf(timelines.keySet());
        Boolean signedIn = welcomedOnce ? account : null;
        if (changedStreams.isEmpty() && !membersChanged && streams.equals(published.streams())
            && failover.state() == published.state() && Objects.equals(signedIn, published.account())) {
            return;
        }
        Map<String, List<Timeline.Entry>> entries = new HashMap<>(published.entries());
        entries.keySet().retainAll(timelines.keySet());
        timelines.forEach((stream, timeline) -> {
            if (changedStreams.contains(stream) || !entries.containsKey(stream)) {
                entries.put(stream, timeline.entries());
            }
        });
        published = new ChatSession.Shown(failover.state(), signedIn, streams, entries,
            membersChanged ? shownMembers : published.members());
        to.accept(published);
        List<String> told = List.copyOf(changedStreams);
        changedStreams.clear();
        membersChanged = false;
        told.forEach(listener::changed);
    }

    /** Whether the session goes on: false once it has quit, or was refused for good. */
    boolean running() {
        return running;
    }

    /** Whether frames wait for their turn to go: the time should be looked at often. */
    boolean pacing() {
        return pacer.hasWaiting();
    }

    /**
     * Makes the session ask for credentials ({@link ChatSession.Listener#credentialsNeeded}) as soon as it starts, and connect
     * only once {@link #signIn} gives them. Called before {@link #start}.
     */
    void signInFirst() {
        if (started) {
            throw new IllegalStateException("the session has started");
        }
        awaitingCredentials = true;
    }

    /**
     * Signs in with {@code credentials} from the next hello on; a session that was waiting for them connects now.
     * Given before {@link #start}, the first hello signs in.
     */
    void signIn(Credentials credentials) {
        this.credentials = credentials;
        awaitingCredentials = false;
    }

    /**
     * Registers the nick the session holds to an account with {@code password}, which then signs the session in on
     * every later hello that cannot resume.
     */
    void register(String password) {
        if (!welcomed) {
            listener.notice("not connected: /register again in a moment");
        } else if (account) {
            listener.notice(AccountText.alreadyAnAccount(nick));
        } else {
            registering = password;
            send(new ClientFrame.Register(password, REGISTER_REF));
        }
    }

    // ---- the user's commands ----

    void join(String room) {
        if (!timelines.containsKey(room)) {
            timeline(room);
            listener.opened(room);
        }
        if (welcomed) {
            rejoin(room, timeline(room).lastSeq());
        }
    }

    /** Leaves a room, or closes a direct conversation (which a new message opens again). */
    void part(String room) {
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
            shownMembers.remove(room);
            listener.closed(room);
        }
    }

    /**
     * Opens the direct conversation with {@code with} without saying anything, as a restart does for the
     * conversations open before it: it shows its recent messages once a gateway is reached.
     */
    void openConversation(String with) {
        showConversation(conversationWith(with));
    }

    /**
     * Says {@code text} in a room, or to the nick of a direct conversation: shown at once, sent now or as soon as a
     * gateway is reached.
     */
    void say(String stream, String text) {
        showConversation(stream);
        String id = idPrefix + nextId++;
        timeline(stream).said(id, text, clock.instant().toString());
        changed(stream);
        sendOwn(stream, id, text);
    }

    /** Sends the failed own messages of a stream again, under their ids. */
    void retry(String stream) {
        Timeline timeline = timelines.get(stream);
        if (timeline != null) {
            timeline.retryFailed().forEach(e -> sendOwn(stream, e.id(), e.text()));
            changed(stream);
        }
    }

    /** Asks a page of messages older than the first a stream shows, unless it shows the first of all already. */
    void older(String stream) {
        Timeline timeline = timelines.get(stream);
        if (timeline == null || timeline.oldestShown() || !welcomed) {
            return;
        }
        askHistory(stream, timeline.firstSeq(), OLDER_REF);
    }

    void who(String room) {
        sendIfConnected(new ClientFrame.Who(room, WHO_REF));
    }

    void rooms() {
        sendIfConnected(new ClientFrame.Rooms(null));
    }

    private void sendIfConnected(ClientFrame question) {
        if (welcomed) {
            send(question);
        } else {
            listener.notice("not connected: ask again in a moment");
        }
    }

    /** A line of the client's own in a stream: help, answers, errors. */
    void notice(String stream, String text) {
        note(stream, text);
    }

    /** A copy of what a stream shows now, oldest first; empty for a stream the session does not have. */
    List<Timeline.Entry> entries(String stream) {
        Timeline timeline = timelines.get(stream);
        return timeline == null ? List.of() : timeline.entries();
    }

    /** The nicks in a room, as last heard. */
    List<String> members(String room) {
        return members.getOrDefault(room, Set.of()).stream().sorted(String.CASE_INSENSITIVE_ORDER).toList();
    }

    // ---- what the session does of itself ----

    /** Tells the listener the connection's state, once each time it changes. */
    private void tellState() {
        if (failover.state() != toldState) {
            toldState = failover.state();
            listener.state(toldState);
        }
    }

    /** A stream shows something new: the listener hears of it once the snapshot holds it ({@link #publish}). */
    private void changed(String stream) {
        changedStreams.add(stream);
    }

    private void showMembers(String room, List<String> sorted) {
        shownMembers.put(room, sorted);
        membersChanged = true;
        listener.members(room, sorted);
    }

    private Timeline timeline(String stream) {
        return timelines.computeIfAbsent(stream, s -> new Timeline(s, nick, TIMELINE_CAPACITY));
    }

    private void note(String stream, String text) {
        timeline(stream).note(text, clock.instant().toString());
        changed(stream);
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

    /** The session begins: it tells its state, and asks for credentials first if it was told to. */
    void start() {
        started = true;
        tellState();
        if (awaitingCredentials) {
            listener.credentialsNeeded(AccountText.signInAsked(nick));
        }
    }

    /**
     * The time has passed on: a connection is opened when the failover says so, a gateway that does not welcome or
     * answer pings in time is left, a ping goes when due, late acks are given up on, owed replays are asked again, and
     * the frames whose turn has come go out.
     */
    void tick() {
        Instant now = clock.instant();
        if (running && failover.tick(now) instanceof Failover.State.Connecting c && connectingSince == null
            && !awaitingCredentials) {
            connect(c.target(), now);
        }
        if (connectingSince != null && !welcomed && now.isAfter(connectingSince.plus(welcomePatience))) {
            // A frozen process's kernel still accepts connections; only the welcome tells it is alive.
            abandonedHelloAt = now;
            lose("no welcome within " + welcomePatience.toSeconds() + " s");
        } else if (welcomed) {
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
        if (quitting && !pacer.hasWaiting() && (!connectionOpen || network.drained(connectionId))) {
            running = false;
        }
        tellState();
    }

    /**
     * A pong was read on connection {@code id}: it counts from when it was read, which may be well before its frame
     * is reached behind a backlog of others (a gateway that answered is not hung).
     */
    void ponged(long id) {
        if (welcomed && id == connectionId) {
            pings.ponged();
        }
    }

    /** Connection {@code id} is open: a hello goes first. One given up on meanwhile is closed. */
    void connected(long id) {
        if (id != connectionId) {
            network.close(id);
            return;
        }
        connectionOpen = true;
        pacer.reset(clock.instant());
        hello();
    }

    /** Connection {@code id} closed, or could not be opened, for the reason {@code why}. */
    void closed(long id, String why) {
        if (id == connectionId) {
            lose(why);
        }
    }

    /** A frame was read on connection {@code id}. */
    void frame(long id, ServerFrame frame) {
        if (id == connectionId) {
            frame(frame);
        }
    }

    /** The session is to end: a quit goes to the gateway, and the session ends once it is written. */
    void quit() {
        if (welcomed) {
            send(new ClientFrame.Quit(null));
        }
        quitting = true;
    }

    /** The session's thread stops: the connection is closed, whatever waits. */
    void stop() {
        running = false;
        closeConnection();
    }

    /** Opens a connection through the network, which tells of it as it goes: a gateway slow to answer holds nothing up. */
    private void connect(Failover.Gateway target, Instant now) {
        long id = ++connectionId;
        welcomed = false;
        joinedHere.clear();
        connectingSince = now;
        network.open(id, target);
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
                // Counted when it was read ({@link #ponged}).
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
        changed(stream);
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
        changed(stream);
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
            changed(stream);
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
                changed(stream);
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
            showMembers(p.room(), in.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
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
            showMembers(m.room(), List.copyOf(m.members()));
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
        welcomedOnce = true;
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
        tellState();
        listener.welcomed(token);
        for (Map.Entry<String, Timeline> t : timelines.entrySet()) {
            String stream = t.getKey();
            if (isConversation(stream)) {
                // Direct messages have no join: the history brings what came while no gateway was in use.
                catchUp(stream);
                t.getValue().unacked().forEach(e -> sendOwn(stream, e.id(), e.text()));
                changed(stream);
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
        showMembers(room, j.members().stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
        Timeline timeline = timeline(room);
        for (Timeline.Entry e : timeline.unacked()) {
            sendOwn(room, e.id(), e.text());
        }
        changed(room);
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
            refuse("the nick " + nick + " is held by another session: " + e.message());
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
        closeConnection();
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
        if (!connectionOpen) {
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
        if (!connectionOpen || !pacer.hasWaiting()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (ClientFrame frame : pacer.due(now)) {
            lines.append(FrameCodec.encode(frame)).append('\n');
        }
        if (!lines.isEmpty() && !network.write(connectionId, lines.toString().getBytes(StandardCharsets.UTF_8))) {
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
            refuse("another client took over the session of " + nick + " (it was started again elsewhere)");
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
        closeConnection();
        welcomed = false;
        connectingSince = null;
        joinedHere.clear();
        // What was held back was not shown, and the next rejoin asks for it again.
        heldBack.clear();
        replayRetryAt.clear();
        // Unacked messages are queued again: they are resent under their ids once a gateway is reached.
        timelines.forEach((stream, timeline) -> {
            if (timeline.requeue()) {
                changed(stream);
            }
        });
        connectionId++;
        failover.lost(clock.instant(), why);
        tellState();
    }

    /** The session ends for good, and says why. */
    private void refuse(String why) {
        stop();
        listener.refused(why);
    }

    private void closeConnection() {
        pacer.clear();
        if (connectionOpen) {
            connectionOpen = false;
            network.close(connectionId);
        }
    }
}
