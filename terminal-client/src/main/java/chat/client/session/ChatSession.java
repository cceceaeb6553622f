package chat.client.session;

import chat.client.conversation.Streams;
import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A chat session that outlives any one gateway: the rules of {@link SessionCore} (failover, resume, rejoin replays
 * and their retries, resends, sign-in, takeover) run over real connections, opened by a {@link Transport}.
 *
 * <p>A stream is a room's name, or {@code @nick} (case-folded) for the direct conversation with that nick
 * ({@link Streams}).
 *
 * <p>Threads: the session's own thread owns the core and everything in it, and is the only one that calls the
 * listener. A connection is opened on a thread of its own (a gateway slow to accept holds nothing up); once open, it
 * has a reader thread, which hands the session its frames through a bounded queue and waits when that is full (which
 * slows that socket alone), and a writer thread, which drains a bounded queue of frames to send, so no socket write
 * ever holds up the session's thread, and a write that waits 5 s for the socket counts as a lost gateway. Commands
 * from other threads go through an unbounded queue that the session's thread empties before it takes any frame, so a
 * flood from a gateway never holds up what the user does, and no command is ever refused. The session's thread waits
 * on nothing but that work, and at most 100 ms, to let time pass through the core. Thread-safe.
 */
public final class ChatSession implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** The longest the session's thread waits for work before it lets the core see the time. */
    private static final Duration IDLE_TICK = Duration.ofMillis(100);
    /** Frames of one connection taken in one round, before the commands that came meanwhile. */
    private static final int FRAMES_PER_ROUND = 256;
    /** How long the writer of the last connection may take to write what was queued (a {@code quit}) at the end. */
    private static final Duration FINISH_PATIENCE = Duration.ofSeconds(2);

    /** What the session tells its user about, on the session's thread. */
    public interface Listener {
        /** The connection's state changed; {@code state} is also what a status bar shows. */
        default void state(Failover.State state) {}

        /** A room or conversation shows something new (a message, a notice, an own message's progress). */
        default void changed(String stream) {}

        /**
         * What a room or conversation shows now, oldest first, an immutable copy: told once after each round of
         * changes the session's thread worked through (never once per message of a burst), and with an empty list for
         * one that closed. What a screen paints from, with no call back into the session.
         */
        default void showing(String stream, List<Timeline.Entry> entries) {}

        /**
         * Whether this listener is handed {@link #showing}: a copy of a stream costs a pass over all it shows, so only
         * a listener that paints asks for them.
         */
        default boolean wantsCopies() {
            return false;
        }

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

    /** A connection the opening thread reached, or could not. */
    private sealed interface Opening {
        record Opened(long connection, Socket socket) implements Opening {}

        record Unreachable(long connection, String why) implements Opening {}
    }

    private final SessionCore core;
    private final Clock clock;
    private final Listener listener;
    private final Transport transport;
    private final Thread thread;
    /** The user's commands (and questions), each run on the session's thread with the time it runs at. */
    private final Queue<Function<Instant, List<SessionCore.Action>>> commands = new ConcurrentLinkedQueue<>();
    private final Queue<Opening> openings = new ConcurrentLinkedQueue<>();
    /** Rung when a command, an opening or a connection's frame waits; the session's thread sleeps on it. */
    private final Semaphore bell = new Semaphore(0);
    /** Set when the session's thread ends: a connection opened after that is closed by the thread that opened it. */
    private volatile boolean stopped;
    /** The open connections, by id; owned by the session's thread. */
    private final Map<Long, GatewayConnection> connections = new HashMap<>();

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
        this.core = new SessionCore(nick, gateways, random, listener, token);
        this.clock = clock;
        this.listener = listener;
        this.transport = transport;
        this.thread = Thread.ofVirtual().name("session-" + nick).unstarted(this::run);
    }

    /** The stream of the direct conversation with {@code nick}. */
    public static String conversationWith(String nick) {
        return Streams.conversationWith(nick);
    }

    public static boolean isConversation(String stream) {
        return Streams.isConversation(stream);
    }

    public String nick() {
        return core.nick();
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
        core.signInFirst();
    }

    // ---- commands, from any thread: queued, never refused, never waiting ----

    /**
     * Signs in with {@code credentials} from the next hello on; a session that was waiting for them connects now.
     * Given before {@link #start}, the first hello signs in.
     */
    public void signIn(Credentials credentials) {
        submit(now -> {
            core.signIn(credentials);
            return List.of();
        });
    }

    /**
     * Registers the nick the session holds to an account with {@code password}, which then signs the session in on
     * every later hello that cannot resume.
     */
    public void register(String password) {
        submit(now -> core.register(password));
    }

    public void join(String room) {
        submit(now -> core.join(room));
    }

    /** Leaves a room, or closes a direct conversation (which a new message opens again). */
    public void part(String room) {
        submit(now -> core.part(room));
    }

    /**
     * Opens the direct conversation with {@code with} without saying anything, as a restart does for the
     * conversations open before it: it shows its recent messages once a gateway is reached.
     */
    public void openConversation(String with) {
        submit(now -> core.openConversation(with, now));
    }

    /**
     * Says {@code text} in a room, or to the nick of a direct conversation: shown at once, sent now or as soon as a
     * gateway is reached.
     */
    public void say(String stream, String text) {
        submit(now -> core.say(stream, text, now));
    }

    /** Sends the failed own messages of a stream again, under their ids. */
    public void retry(String stream) {
        submit(now -> core.retry(stream, now));
    }

    /** Asks a page of messages older than the first a stream shows, unless it shows the first of all already. */
    public void older(String stream) {
        submit(now -> core.older(stream));
    }

    public void who(String room) {
        submit(now -> core.who(room));
    }

    public void rooms() {
        submit(now -> core.rooms());
    }

    /** A line of the client's own in a stream: help, answers, errors. */
    public void notice(String stream, String text) {
        submit(now -> core.notice(stream, text, now));
    }

    // ---- questions, for callers that may wait (tests, tools); a screen paints from Listener#showing instead ----

    /** A copy of what a stream shows now, oldest first; empty for a stream the session does not have. */
    public List<Timeline.Entry> entries(String stream) throws InterruptedException {
        return ask(s -> s.entries(stream));
    }

    /** The nicks in a room, as last heard. */
    public List<String> members(String room) throws InterruptedException {
        return ask(s -> s.members(room));
    }

    private <T> T ask(Function<SessionCore, T> question) throws InterruptedException {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(now -> {
            result.complete(question.apply(core));
            return List.of();
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the session did not answer", e);
        }
    }

    private void submit(Function<Instant, List<SessionCore.Action>> command) {
        commands.add(command);
        ring();
    }

    private void ring() {
        if (bell.availablePermits() == 0) {
            bell.release();
        }
    }

    // ---- the session's thread ----

    private void run() {
        try {
            apply(core.start(clock.instant()));
            while (!core.ended()) {
                boolean more = round();
                publish();
                if (!more && !core.ended()) {
                    bell.tryAcquire(IDLE_TICK.toMillis(), TimeUnit.MILLISECONDS);
                    bell.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            for (Opening o; (o = openings.poll()) != null; ) {
                if (o instanceof Opening.Opened opened) {
                    closeQuietly(opened.socket());
                }
            }
            connections.values().forEach(c -> c.finish(FINISH_PATIENCE));
            connections.clear();
        }
    }

    /**
     * One round of work: every command waiting, then the connections opened or not, then a bounded number of each
     * connection's frames, then the time. Returns whether frames were left for the next round.
     */
    private boolean round() {
        for (Function<Instant, List<SessionCore.Action>> command; !core.ended() && (command = commands.poll()) != null; ) {
            apply(command.apply(clock.instant()));
        }
        for (Opening o; !core.ended() && (o = openings.poll()) != null; ) {
            switch (o) {
                case Opening.Opened opened -> {
                    GatewayConnection c = new GatewayConnection(opened.connection(), opened.socket(), clock,
                        "session-" + core.nick() + "-connection-" + opened.connection(), this::ring);
                    connections.put(c.id(), c);
                    c.start();
                    apply(core.opened(c.id(), clock.instant()));
                }
                case Opening.Unreachable u -> apply(core.lost(u.connection(), u.why(), clock.instant()));
            }
        }
        boolean more = false;
        for (GatewayConnection c : List.copyOf(connections.values())) {
            int taken = 0;
            for (ServerFrame frame; !core.ended() && connections.containsKey(c.id()) && taken < FRAMES_PER_ROUND
                && (frame = c.poll()) != null; taken++) {
                apply(core.received(c.id(), frame, clock.instant()));
            }
            more |= taken == FRAMES_PER_ROUND;
            String ended = c.writeFailed() != null ? c.writeFailed() : c.readEnded();
            if (ended != null && connections.containsKey(c.id()) && !core.ended()) {
                apply(core.lost(c.id(), ended, clock.instant()));
                close(c.id());
            } else if (connections.containsKey(c.id())) {
                core.writing(c.id(), c.writingSince());
            }
        }
        if (!core.ended()) {
            apply(core.tick(clock.instant()));
        }
        return more;
    }

    /** Hands the listener what each changed stream shows now, once per round however often it changed. */
    private void publish() {
        List<String> changed = core.takeChanged();
        if (listener.wantsCopies()) {
            changed.forEach(stream -> listener.showing(stream, core.entries(stream)));
        }
    }

    private void apply(List<SessionCore.Action> actions) {
        for (SessionCore.Action action : actions) {
            switch (action) {
                case SessionCore.Action.Connect c -> connect(c.connection(), c.gateway());
                case SessionCore.Action.Send s -> {
                    GatewayConnection c = connections.get(s.connection());
                    if (c != null) {
                        // A full queue marks the connection failed: the next round loses it.
                        c.send(s.frame());
                    }
                }
                case SessionCore.Action.Close c -> close(c.connection());
            }
        }
    }

    private void close(long connection) {
        GatewayConnection c = connections.remove(connection);
        if (c != null) {
            c.close();
        }
    }

    /** Opens a connection on a thread of its own: a gateway slow to answer holds nothing up. */
    private void connect(long id, Failover.Gateway target) {
        Thread.ofVirtual().name("session-" + core.nick() + "-connecting-" + id).start(() -> {
            try {
                Opening.Opened opened = new Opening.Opened(id, transport.open(target, CONNECT_TIMEOUT));
                openings.add(opened);
                if (stopped && openings.remove(opened)) {
                    closeQuietly(opened.socket());
                }
            } catch (IOException e) {
                openings.add(new Opening.Unreachable(id, "cannot reach " + target + ": " + e.getMessage()));
            }
            ring();
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Gone already.
        }
    }

    /** Says {@code quit} to the gateway when welcomed, and ends the session; waits up to 5 s for it to end. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        submit(now -> core.quit());
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
