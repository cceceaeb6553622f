package chat.client.session;

import chat.client.conversation.Streams;
import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.failover.PingWatch;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The rules of a chat session, apart from any socket, thread or clock: it is told what happened (a frame came on
 * connection N, connection N opened or was lost, the user gave a command, the time is now T) and answers with what to
 * do on the network ({@link Action}: connect to a gateway, send a frame on connection N, close it), and tells its
 * {@link ChatSession.Listener} what the user should see. {@link ChatSession} runs it over real connections; tests run
 * it by hand, with no socket and no sleep.
 *
 * <p>Which gateway and when: it connects to a gateway of its list, says hello (with its session token once it has one,
 * or the one it was started with), and when the gateway dies, closes, stops answering pings for 5 s, leaves a write
 * waiting for 5 s, or takes the connection but never welcomes it, moves to another by itself: it resumes the session
 * there, joins its rooms again with {@code after} set to the last seq shown in each, asks each direct conversation's
 * recent history again, and resends every message not acked yet under its original id. The live messages that come
 * while a rejoin's replay (or a conversation's history) is on its way are held back and shown after it, so nothing new
 * appears above what was shown already. A replay the history service cannot give is asked again later, from where it
 * was owed, until it comes. What is said while no gateway is reached is queued, and sent once one is.
 *
 * <p>Signing in: a resume needs no password, the session token being its proof; the {@link Credentials} go in a hello
 * only where no resume is possible, and are kept in memory for as long as the session lives. When the gateway says the
 * nick is registered (or admits no guests) and the session has no credentials, or refuses the ones it has, the session
 * stops connecting and asks its listener for them until {@link #signIn} gives them.
 *
 * <p>Not thread-safe: one thread drives it, and the listener is called on that thread.
 */
final class SessionCore {
    static final Duration PING_INTERVAL = Duration.ofSeconds(2);
    /** How long a ping may go without its pong, and a write may wait on a full socket, before the gateway is lost. */
    static final Duration PONG_PATIENCE = Duration.ofSeconds(5);
    /**
     * How long a hello that signs in may wait for its welcome: the gateway hashes the password, and answers a nick's
     * repeated wrong passwords later and later; a session that gave up sooner would send them to the next gateway.
     */
    static final Duration SIGN_IN_PATIENCE = Duration.ofSeconds(120);
    /**
     * How long after giving up on a hello a {@code bye "resumed elsewhere"} or a {@code nick_taken} may be that hello's
     * doing: the gateway went on with it after the session had moved to another, and took the session back, or holds
     * the nick for it until it sees the connection gone.
     */
    static final Duration OWN_TAKEOVER_WINDOW = Duration.ofMinutes(2);
    /** The first wait before asking again for a replay the history service could not give; doubled up to the cap. */
    static final Duration REPLAY_RETRY_FIRST = Duration.ofSeconds(1);
    static final Duration REPLAY_RETRY_CAP = Duration.ofSeconds(15);
    /** Senders named in the notice of the messages that waited; the rest are counted together. */
    private static final int WAITING_SENDERS_NAMED = 5;
    private static final String REGISTER_REF = "register";
    private static final int TIMELINE_CAPACITY = 10_000;
    private static final int PAGE = Limits.DEFAULT_HISTORY_PAGE;
    private static final String OLDER_REF = "older";
    private static final String WHO_REF = "who";
    /**
     * The ref of a join the session sends, {@code join:} and the room: its replay's frames and its refusal carry it,
     * which tells them from others.
     */
    private static final String JOIN_REF = "join:";
    /** The reason of the {@code bye} that a connection gets when another takes its session over. */
    private static final String RESUMED_ELSEWHERE = "resumed elsewhere";

    /** What the session does on the network. */
    sealed interface Action {
        /** Open connection {@code connection} to {@code gateway}; tell {@link #opened} or {@link #lost} how it went. */
        record Connect(long connection, Failover.Gateway gateway) implements Action {}

        record Send(long connection, ClientFrame frame) implements Action {}

        /** Connection {@code connection} is given up on: close it, and forget what it still had to write. */
        record Close(long connection) implements Action {}
    }

    private final String nick;
    private final Failover failover;
    private final PingWatch pings = new PingWatch(PING_INTERVAL, PONG_PATIENCE);
    private final ChatSession.Listener listener;
    private final String idPrefix;
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
    /** When each owed replay is asked for again on this connection, and how long the wait before that one was. */
    private final Map<String, Instant> replayRetryAt = new HashMap<>();
    private final Map<String, Duration> replayRetryWait = new HashMap<>();
    /** Messages that waited for the account while it was offline, since the last welcome, by sender. */
    private final Map<String, Integer> waitedFrom = new LinkedHashMap<>();
    /** Streams whose entries changed since {@link #takeChanged}: the screen is given each once, as it is then. */
    private final Set<String> changed = new LinkedHashSet<>();
    private List<Action> actions = new ArrayList<>();

    private boolean running = true;
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
    private int waited;
    /** The connection in use or being opened; the ones before it are given up on. */
    private long connectionId;
    /** Whether connection {@link #connectionId} is open: frames can go on it. */
    private boolean open;
    /** Since when a write on the connection in use waits for the socket to take it; null when none waits. */
    private Instant writeWaitingSince;
    /** When the current connection attempt began, to give up on a gateway that takes it but never welcomes. */
    private Instant connectingSince;
    private boolean welcomed;
    private long nextId;
    /** When the session last gave up waiting for the welcome of a hello; null if never. */
    private Instant abandonedHelloAt;

    /** @param token the session token of an earlier run, to resume that session; null for a fresh one */
    SessionCore(String nick, List<Failover.Gateway> gateways, RandomGenerator random, ChatSession.Listener listener,
                String token) {
        this.nick = nick;
        this.token = token;
        this.listener = listener;
        this.failover = new Failover(gateways, random, Duration.ofMillis(500), Duration.ofSeconds(30));
        this.idPrefix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-";
    }

    String nick() {
        return nick;
    }

    /** Whether the session has ended: closed by its user, or refused for good. */
    boolean ended() {
        return !running;
    }

    /** The actions decided since the last call, in order. */
    private List<Action> done() {
        List<Action> taken = actions;
        actions = new ArrayList<>();
        return taken;
    }

    // ---- inputs: the user's commands ----

    /** Asks for credentials as soon as the session starts, and connects only once {@link #signIn} gives them. */
    void signInFirst() {
        awaitingCredentials = true;
    }

    /** The session begins: the first gateway is tried now, unless credentials are awaited. */
    List<Action> start(Instant now) {
        listener.state(failover.state());
        if (awaitingCredentials) {
            listener.credentialsNeeded(AccountText.signInAsked(nick));
        }
        return tick(now);
    }

    /**
     * Signs in with {@code credentials} from the next hello on; a session that was waiting for them connects at the
     * next {@link #tick}.
     */
    void signIn(Credentials given) {
        this.credentials = given;
        awaitingCredentials = false;
    }

    List<Action> register(String password) {
        if (!welcomed) {
            listener.notice("not connected: /register again in a moment");
        } else if (account) {
            listener.notice(AccountText.alreadyAnAccount(nick));
        } else {
            registering = password;
            send(new ClientFrame.Register(password, REGISTER_REF));
        }
        return done();
    }

    List<Action> join(String room) {
        if (!timelines.containsKey(room)) {
            timeline(room);
            listener.opened(room);
            changed.add(room);
        }
        if (welcomed) {
            rejoin(room, timeline(room).lastSeq());
        }
        return done();
    }

    /** Leaves a room, or closes a direct conversation (which a new message opens again). */
    List<Action> part(String room) {
        if (timelines.remove(room) != null) {
            members.remove(room);
            liveFrom.remove(room);
            joinedHere.remove(room);
            heldBack.remove(room);
            replayOwedFrom.remove(room);
            replayRetryAt.remove(room);
            replayRetryWait.remove(room);
            if (welcomed && !Streams.isConversation(room)) {
                send(new ClientFrame.Part(room, null));
            }
            listener.closed(room);
            changed.add(room);
        }
        return done();
    }

    /** Opens the direct conversation with {@code with} without saying anything, as a restart does. */
    List<Action> openConversation(String with, Instant now) {
        showConversation(Streams.conversationWith(with), now);
        return done();
    }

    /** Says {@code text} in a stream: shown at once, sent now or as soon as a gateway is reached. */
    List<Action> say(String stream, String text, Instant now) {
        showConversation(stream, now);
        String id = idPrefix + nextId++;
        timeline(stream).said(id, text, now.toString());
        changed(stream);
        sendOwn(stream, id, text, now);
        return done();
    }

    /** Sends the failed own messages of a stream again, under their ids. */
    List<Action> retry(String stream, Instant now) {
        Timeline timeline = timelines.get(stream);
        if (timeline != null) {
            timeline.retryFailed().forEach(e -> sendOwn(stream, e.id(), e.text(), now));
            changed(stream);
        }
        return done();
    }

    /** Asks a page of messages older than the first a stream shows, unless it shows the first of all already. */
    List<Action> older(String stream) {
        Timeline timeline = timelines.get(stream);
        if (timeline != null && !timeline.oldestShown() && welcomed) {
            askHistory(stream, timeline.firstSeq(), OLDER_REF);
        }
        return done();
    }

    List<Action> who(String room) {
        sendIfConnected(new ClientFrame.Who(room, WHO_REF));
        return done();
    }

    List<Action> rooms() {
        sendIfConnected(new ClientFrame.Rooms(null));
        return done();
    }

    /** A line of the client's own in a stream: help, answers, errors. */
    List<Action> notice(String stream, String text, Instant now) {
        note(stream, text, now);
        return done();
    }

    /** The user is done: a welcomed session says so to its gateway, and the session ends. */
    List<Action> quit() {
        if (welcomed) {
            send(new ClientFrame.Quit(null));
        }
        running = false;
        return done();
    }

    // ---- inputs: the network and the time ----

    /** Connection {@code connection} is open: the hello goes on it, unless the session gave up on it meanwhile. */
    List<Action> opened(long connection, Instant now) {
        if (connection != connectionId || !running) {
            actions.add(new Action.Close(connection));
        } else {
            open = true;
            writeWaitingSince = null;
            hello(now);
        }
        return done();
    }

    /** Connection {@code connection} closed, failed to open, or failed to write. */
    List<Action> lost(long connection, String why, Instant now) {
        if (connection == connectionId) {
            lose(why, now);
        }
        return done();
    }

    /**
     * Since when a write on {@code connection} waits for its socket to take it (null: none waits); the gateway is lost
     * once one has waited {@link #PONG_PATIENCE}, at the next {@link #tick}.
     */
    void writing(long connection, Instant since) {
        if (connection == connectionId) {
            writeWaitingSince = since;
        }
    }

    /** A frame came on {@code connection}; one of a connection given up on is passed over. */
    List<Action> received(long connection, ServerFrame frame, Instant now) {
        if (connection == connectionId && open) {
            frame(frame, now);
        }
        return done();
    }

    /**
     * The time is {@code now}: the next gateway is tried once the wait is over, a gateway that does not welcome, answer
     * pings or take writes is given up on, pings go out, late acks are given up on, and owed replays asked again.
     */
    List<Action> tick(Instant now) {
        Failover.State before = failover.state();
        if (running && failover.tick(now) instanceof Failover.State.Connecting c && connectingSince == null
            && !awaitingCredentials) {
            connect(c.target(), now);
        }
        if (connectingSince != null && !welcomed && now.isAfter(connectingSince.plus(welcomePatience))) {
            // A frozen process's kernel still accepts connections; only the welcome tells it is alive.
            abandonedHelloAt = now;
            lose("no welcome within " + welcomePatience.toSeconds() + " s", now);
        } else if (open && writeWaitingSince != null && !now.isBefore(writeWaitingSince.plus(PONG_PATIENCE))) {
            // The gateway reads nothing of what is written to it: it is as gone as one that stopped answering.
            lose("a write waited " + PONG_PATIENCE.toSeconds() + " s", now);
        } else if (welcomed) {
            if (pings.overdue(now)) {
                lose("no pong for " + PONG_PATIENCE.toSeconds() + " s", now);
            } else if (pings.pingDue(now)) {
                pings.pinged(now);
                send(new ClientFrame.Ping(null));
            }
            giveUpOnLateAcks(now);
            askOwedReplays(now);
        }
        if (failover.state() != before) {
            listener.state(failover.state());
        }
        return done();
    }

    // ---- what the screen and tests read ----

    /** What a stream shows now, oldest first; empty for a stream the session does not have. */
    List<Timeline.Entry> entries(String stream) {
        Timeline timeline = timelines.get(stream);
        return timeline == null ? List.of() : timeline.entries();
    }

    /** The nicks in a room, as last heard. */
    List<String> members(String room) {
        return members.getOrDefault(room, Set.of()).stream().sorted(Streams.NICK_ORDER).toList();
    }

    /** The streams whose entries changed (or that opened or closed) since the last call, in the order they did. */
    List<String> takeChanged() {
        List<String> taken = List.copyOf(changed);
        changed.clear();
        return taken;
    }

    // ---- the rules ----

    private void changed(String stream) {
        changed.add(stream);
        listener.changed(stream);
    }

    private Timeline timeline(String stream) {
        return timelines.computeIfAbsent(stream, s -> new Timeline(nick, TIMELINE_CAPACITY));
    }

    private void note(String stream, String text, Instant now) {
        timeline(stream).note(text, now.toString());
        changed(stream);
    }

    private void sendIfConnected(ClientFrame question) {
        if (welcomed) {
            send(question);
        } else {
            listener.notice("not connected: ask again in a moment");
        }
    }

    /** A direct conversation shown for the first time brings its recent history with it. */
    private void showConversation(String stream, Instant now) {
        if (Streams.isConversation(stream) && !timelines.containsKey(stream)) {
            timeline(stream);
            listener.opened(stream);
            changed.add(stream);
            if (welcomed) {
                askHistory(stream, null, null);
                if (!account) {
                    note(stream, AccountText.conversationOfGuest(nick), now);
                }
            }
        }
    }

    /** Asks a page of a stream's history, but not of a direct conversation for a guest: only accounts may read one. */
    private void askHistory(String stream, Long before, String ref) {
        if (!Streams.isConversation(stream) || account) {
            send(historyOf(stream, before, ref));
        }
    }

    private static ClientFrame.History historyOf(String stream, Long before, String ref) {
        return Streams.isConversation(stream)
            ? new ClientFrame.History(null, Streams.peerOf(stream), before, PAGE, ref)
            : new ClientFrame.History(stream, null, before, PAGE, ref);
    }

    /** Sends an own message now if it can go (a gateway welcomed the session, and joined the room); else it waits. */
    private void sendOwn(String stream, String id, String text, Instant now) {
        if (Streams.isConversation(stream) ? welcomed : joinedHere.contains(stream)) {
            timeline(stream).sent(id, now);
            send(Streams.isConversation(stream)
                ? new ClientFrame.Dm(Streams.peerOf(stream), text, id, id)
                : new ClientFrame.Say(stream, text, id, id));
        }
    }

    private void send(ClientFrame frame) {
        if (open) {
            actions.add(new Action.Send(connectionId, frame));
        }
    }

    /** Opens a connection; the shell opens it on a thread of its own, so a gateway slow to answer holds nothing up. */
    private void connect(Failover.Gateway target, Instant now) {
        long id = ++connectionId;
        open = false;
        writeWaitingSince = null;
        welcomed = false;
        joinedHere.clear();
        connectingSince = now;
        actions.add(new Action.Connect(id, target));
    }

    /** Resumes with the session token when there is one; else signs in with the credentials, if any. */
    private void hello(Instant now) {
        helloSignedIn = token == null && credentials != null;
        welcomePatience = helloSignedIn ? SIGN_IN_PATIENCE : PONG_PATIENCE;
        connectingSince = now;
        String password = helloSignedIn && credentials instanceof Credentials.Password p ? p.password() : null;
        String jwt = helloSignedIn && credentials instanceof Credentials.Token t ? t.token() : null;
        send(new ClientFrame.Hello(nick, Limits.PROTOCOL_VERSION, token, password, jwt, null));
    }

    private void frame(ServerFrame frame, Instant now) {
        switch (frame) {
            case ServerFrame.Welcome w -> welcome(w, now);
            case ServerFrame.Message m -> {
                if (!holdBack(m.room(), m)) {
                    received(m.room(), m, m.from());
                }
            }
            case ServerFrame.Dm d -> {
                String stream = Streams.conversationWith(Streams.sameNick(d.from(), nick) ? d.to() : d.from());
                showConversation(stream, now);
                if (!holdBack(stream, d) && received(stream, d, d.from()) && d.waiting()) {
                    waited(d.from());
                }
            }
            case ServerFrame.History h -> history(h, now);
            case ServerFrame.Ack a -> acked(a);
            case ServerFrame.Joined j -> joined(j, now);
            case ServerFrame.Members m -> members(m, now);
            case ServerFrame.RoomList r -> listener.rooms(r.rooms());
            case ServerFrame.Presence p -> presence(p, now);
            case ServerFrame.Pong p -> pings.ponged();
            case ServerFrame.Bye b -> bye(b, now);
            case ServerFrame.Error e -> error(e, now);
            case ServerFrame.Parted p -> {
                // The part was done when the user asked for it.
            }
            case ServerFrame.Registered r -> registered();
            case ServerFrame.Waited w -> {
                // The waiting messages themselves came as dm frames just before, each counted as it came.
            }
        }
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
                received(stream, message, Timeline.entryOf(message).from());
            }
        }
    }

    /** Shows a message unless the stream shows it already; returns whether it was new. */
    private boolean received(String stream, ServerFrame message, String from) {
        Timeline timeline = timelines.get(stream);
        if (timeline == null || !timeline.receive(message)) {
            return false;
        }
        Timeline.Entry entry = Timeline.entryOf(message);
        listener.shown(stream, entry);
        if (!Streams.sameNick(from, nick)) {
            listener.arrived(stream, entry);
        }
        changed(stream);
        return true;
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

    private void history(ServerFrame.History h, Instant now) {
        String stream = h.room() != null ? h.room() : Streams.conversationWith(h.with());
        Timeline timeline = timelines.get(stream);
        if (timeline == null) {
            return;
        }
        boolean rejoinReplay = joinRef(stream).equals(h.ref());
        // A replay asked again, after one the history service could not give: what it brings fills a gap.
        boolean fillsGap = rejoinReplay && replayRetryWait.containsKey(stream);
        if (h.unavailable()) {
            if (rejoinReplay && replayOwedFrom.containsKey(stream)) {
                if (!fillsGap) {
                    note(stream, "history is unavailable for now: live messages go on, and what is missing comes"
                        + " when it can", now);
                }
                rejoinLater(stream, now);
            } else {
                note(stream, "history is unavailable for now: live messages go on", now);
            }
        }
        for (ServerFrame m : h.messages()) {
            if (timeline.receive(m)) {
                if (fillsGap) {
                    listener.filledIn(stream, Timeline.entryOf(m));
                } else {
                    listener.shown(stream, Timeline.entryOf(m));
                }
            }
        }
        if (OLDER_REF.equals(h.ref()) && !h.more()) {
            timeline.reachedOldest();
        }
        boolean replayEnded = Streams.isConversation(stream) ? h.ref() == null : rejoinReplay;
        if (replayEnded && !h.more()) {
            if (!h.unavailable()) {
                replayOwedFrom.remove(stream);
                replayRetryAt.remove(stream);
                replayRetryWait.remove(stream);
            }
            releaseHeldBack(stream);
        }
        changed(stream);
    }

    /**
     * The history service could not give a join's replay, or Kafka did not take the join: the join is sent again after
     * a wait, doubled each time, asking from where the replay was owed (and the next connection asks from there too).
     */
    private void rejoinLater(String room, Instant now) {
        Duration wait = replayRetryWait.merge(room, REPLAY_RETRY_FIRST,
            (last, first) -> last.multipliedBy(2).compareTo(REPLAY_RETRY_CAP) > 0 ? REPLAY_RETRY_CAP : last.multipliedBy(2));
        replayRetryAt.put(room, now.plus(wait));
    }

    private void askOwedReplays(Instant now) {
        List<String> due = replayRetryAt.entrySet().stream().filter(e -> !now.isBefore(e.getValue()))
            .map(Map.Entry::getKey).toList();
        for (String room : due) {
            replayRetryAt.remove(room);
            Timeline timeline = timelines.get(room);
            if (timeline != null) {
                // Not held back this time: the live messages go on while the history service is away.
                sendJoin(room, timeline.lastSeq());
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

    private void presence(ServerFrame.Presence p, Instant now) {
        Set<String> in = members.get(p.room());
        if (in == null) {
            return;
        }
        boolean joinedRoom = p.event().equals("join");
        List<String> moved = new ArrayList<>();
        for (String member : p.nicks()) {
            if (joinedRoom ? in.add(member) : in.remove(member)) {
                moved.add(member);
            }
        }
        if (!moved.isEmpty()) {
            listener.members(p.room(), members(p.room()));
            note(p.room(), namesOf(moved) + (joinedRoom ? " joined " : " left ") + p.room(), now);
        }
    }

    /**
     * A page of a room's members: the answer to {@code who}, or the gateway's word that the room went quiet (its joins
     * and leaves are no longer announced) or is announced again (the whole list). Either way it is the list to show.
     */
    private void members(ServerFrame.Members m, Instant now) {
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
            note(m.room(), answer, now);
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

    private void welcome(ServerFrame.Welcome w, Instant now) {
        token = w.session();
        welcomed = true;
        connectingSince = null;
        account = w.account();
        waited = 0;
        waitedFrom.clear();
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
        pings.reset(now);
        listener.state(failover.state());
        listener.welcomed(token);
        for (Map.Entry<String, Timeline> t : timelines.entrySet()) {
            String stream = t.getKey();
            if (Streams.isConversation(stream)) {
                // Direct messages have no join: the history brings what came while no gateway was in use.
                if (account) {
                    heldBack.putIfAbsent(stream, new ArrayList<>());
                }
                askHistory(stream, null, null);
                t.getValue().unacked().forEach(e -> sendOwn(stream, e.id(), e.text(), now));
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

    /** In the room on this connection: what was said there and not acked goes (again) under its original id. */
    private void joined(ServerFrame.Joined j, Instant now) {
        String room = j.room();
        if (!timelines.containsKey(room) || !joinedHere.add(room)) {
            return;
        }
        members.put(room, new HashSet<>(j.members()));
        // The first join's start is the one to keep: until a message is seen, nothing above it has been shown.
        liveFrom.putIfAbsent(room, j.live());
        listener.joined(room, j.live());
        listener.members(room, members(room));
        Timeline timeline = timeline(room);
        for (Timeline.Entry e : timeline.unacked()) {
            sendOwn(room, e.id(), e.text(), now);
        }
        changed(room);
    }

    private void error(ServerFrame.Error e, Instant now) {
        if (e.ref() != null && e.ref().startsWith(JOIN_REF) && timelines.containsKey(e.ref().substring(JOIN_REF.length()))) {
            joinRefused(e.ref().substring(JOIN_REF.length()), e, now);
            return;
        }
        // An own message goes with its id as its ref.
        String refused = e.ref() == null ? null : awaiting(e.ref());
        if (refused != null) {
            timelines.get(refused).failed(e.ref());
            note(refused, "not sent: " + e.message(), now);
            return;
        }
        if (REGISTER_REF.equals(e.ref())) {
            registerRefused(e);
            return;
        }
        if (!welcomed && signInRefused(e.code(), now)) {
            return;
        }
        if (welcomed && e.code() == ErrorCode.AUTH_REQUIRED) {
            listener.notice(AccountText.accountsOnly(nick));
            return;
        }
        if (!welcomed && e.code() == ErrorCode.NICK_TAKEN) {
            if (gaveUpOnAHelloLately(now)) {
                // Most likely the claim of that hello holds the nick, until its gateway sees the connection gone.
                lose("the nick is held, most likely by a hello this client gave up on", now);
                return;
            }
            running = false;
            listener.refused("the nick " + nick + " is held by another session: " + e.message());
            return;
        }
        if (!welcomed && e.code() == ErrorCode.UNAVAILABLE) {
            lose("hello refused: " + e.message(), now);
            return;
        }
        listener.notice(e.code().wireName() + ": " + e.message());
    }

    /**
     * A join was refused: what it held back is shown, and one that Kafka did not take ({@code unavailable}) is tried
     * again later, since the room's unsent messages wait for it.
     */
    private void joinRefused(String room, ServerFrame.Error e, Instant now) {
        if (e.code() == ErrorCode.UNAVAILABLE) {
            rejoinLater(room, now);
        }
        releaseHeldBack(room);
        note(room, "not joined: " + e.message(), now);
    }

    /**
     * An answer to a hello that wants credentials, or refuses the ones it carried: the session signs in with the
     * credentials it has when the hello carried none (it tried to resume), and else asks for them. Returns whether
     * the error was one of these.
     */
    private boolean signInRefused(ErrorCode code, Instant now) {
        String ask;
        switch (code) {
            case NICK_REGISTERED, AUTH_REQUIRED -> {
                if (!helloSignedIn && credentials != null) {
                    // The resume was not possible: the token is stale, and only the credentials let the nick in.
                    token = null;
                    hello(now);
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

    /** Whether the session gave up waiting for the welcome of a hello within {@link #OWN_TAKEOVER_WINDOW}. */
    private boolean gaveUpOnAHelloLately(Instant now) {
        return abandonedHelloAt != null && now.isBefore(abandonedHelloAt.plus(OWN_TAKEOVER_WINDOW));
    }

    /**
     * The gateway said bye. Any reason but one means it is going away, and another gateway takes over; "resumed
     * elsewhere" means another client presented this session's token (the same nick started again with the same
     * remembered state) and holds the session now: taking it back would only take it from that one in turn.
     */
    private void bye(ServerFrame.Bye b, Instant now) {
        if (RESUMED_ELSEWHERE.equals(b.reason()) && gaveUpOnAHelloLately(now)) {
            // Most likely a hello of its own that it gave up on, taken up late (each gateway it gave up on may take
            // one up): it resumes again rather than end.
            lose("the session was taken over by a connection this client had given up on", now);
        } else if (RESUMED_ELSEWHERE.equals(b.reason())) {
            running = false;
            listener.refused("another client took over the session of " + nick + " (it was started again elsewhere)");
        } else {
            lose("the gateway said bye: " + b.reason(), now);
        }
    }

    /** The gateway in use is gone: drop its connection and let the failover pick the next. */
    private void lose(String why, Instant now) {
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
        failover.lost(now, why);
        listener.state(failover.state());
    }

    /** The connection in use (or being opened) is given up on. */
    private void closeConnection() {
        actions.add(new Action.Close(connectionId));
        open = false;
        writeWaitingSince = null;
    }
}
