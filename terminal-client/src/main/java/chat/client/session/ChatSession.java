package chat.client.session;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
 * <p>The rules live in a {@link SessionCore}, a state machine with no thread or socket; this class gives it a thread
 * and the network. One thread, the session's, owns the core; a thread per connection opens it and reads it, and hands
 * its frames over through a bounded queue (a reader that gets ahead waits, and so does the gateway's socket behind
 * it); callers hand commands over through a queue of their own, which the session's thread empties before it takes
 * frames, so that a flood of frames never holds up what the user does, and no command is dropped. What the session
 * sends goes at the pace the gateway takes ({@link SendPacer}) to a writer of its own per connection
 * ({@link ConnectionWriter}), so the session's thread never waits on the network, not even on a gateway that takes no
 * more bytes. Other threads see what the session shows through {@link #shown}, an immutable snapshot taken after each
 * of its turns; the listener is called on the session's thread, after the snapshot of the turn that brought what it
 * is told ({@link TellAfterTurn}), so that what it hears of is in the snapshot it reads. Thread-safe.
 */
public final class ChatSession implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How often the session's thread looks at the clock when nothing happens: often while frames wait their turn. */
    private static final Duration IDLE_TICK = Duration.ofMillis(100);
    private static final Duration PACED_TICK = Duration.ofMillis(10);
    /** Frames taken from the network in one turn, before the user's commands and the clock are looked at again. */
    private static final int FRAMES_PER_TURN = 64;
    /** Frames read and not handled yet, per session: a reader that gets this far ahead waits. */
    private static final int FRAMES_WAITING = 10_000;
    /** Commands not run yet: far more than anyone types; a caller waits rather than lose one. */
    private static final int COMMANDS_WAITING = 10_000;

    /**
     * What the session tells its user about, on the session's thread, at the end of the turn that brought it: by then
     * {@link #shown} holds it.
     */
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


    /**
     * What the session shows, as of the end of its last turn: the connection's state, whether it is signed in to an
     * account (null until a gateway has said), the rooms and conversations open in the order they were opened, what
     * each shows, oldest first, and the members of each joined room, sorted. Immutable: any thread reads it, and never
     * waits for the session.
     */
    public record Shown(Failover.State state, Boolean account, List<String> streams,
                        Map<String, List<Timeline.Entry>> entries, Map<String, List<String>> members) {
        static final Shown NOTHING = new Shown(null, null, List.of(), Map.of(), Map.of());

        public Shown {
            streams = List.copyOf(streams);
            entries = Map.copyOf(entries);
            members = Map.copyOf(members);
        }

        /** What a stream shows, oldest first; empty for a stream the session does not have. */
        public List<Timeline.Entry> entries(String stream) {
            return entries.getOrDefault(stream, List.of());
        }

        /** The nicks in a room, as last heard. */
        public List<String> members(String room) {
            return members.getOrDefault(room, List.of());
        }
    }

    /** What the network tells the session's thread, from a connection's own thread. */
    private sealed interface Event {
        record Connected(long connection, Socket socket) implements Event {}

        record Frame(long connection, ServerFrame frame) implements Event {}

        record Closed(long connection, String why) implements Event {}
    }

    private final String nick;
    private final Transport transport;
    private final SessionCore core;
    /** What the core told during the turn, told to the listener once the turn's snapshot is out. */
    private final TellAfterTurn told;
    private final Thread thread;
    private final BlockingQueue<Consumer<SessionCore>> commands = new LinkedBlockingQueue<>(COMMANDS_WAITING);
    private final BlockingQueue<Event> network = new LinkedBlockingQueue<>(FRAMES_WAITING);
    /**
     * The connection whose reader last read a {@code pong} the session's thread has not counted yet, or 0. A pong counts
     * when it is read, not when the session's thread reaches it: behind a backlog of frames to handle, a gateway that
     * answered would look hung, and leaving it would only bring the backlog again from another.
     */
    private final AtomicLong pongReadOn = new AtomicLong();
    private final AtomicLong pongsRead = new AtomicLong();
    /** The open connections' sockets and writers, by connection id: the session's thread's alone. */
    private final Map<Long, Socket> sockets = new HashMap<>();
    private final Map<Long, ConnectionWriter> writers = new HashMap<>();
    private volatile Shown shown = Shown.NOTHING;

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
        this.nick = nick;
        this.transport = transport;
        this.told = new TellAfterTurn(listener);
        this.core = new SessionCore(nick, gateways, clock, random, told, token, new Sockets());
        this.thread = Thread.ofVirtual().name("session-" + nick).unstarted(this::run);
    }

    /** The stream of the direct conversation with {@code nick}. */
    public static String conversationWith(String nick) {
        return "@" + Limits.foldNick(nick);
    }

    public static boolean isConversation(String stream) {
        return stream.startsWith("@");
    }

    public String nick() {
        return nick;
    }

    /** How many pongs the readers have read. For tests. */
    long pongsRead() {
        return pongsRead.get();
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

    /**
     * Signs in with {@code credentials} from the next hello on; a session that was waiting for them connects now.
     * Given before {@link #start}, the first hello signs in.
     */
    public void signIn(Credentials credentials) {
        submit(core -> core.signIn(credentials));
    }

    /**
     * Registers the nick the session holds to an account with {@code password}, which then signs the session in on
     * every later hello that cannot resume.
     */
    public void register(String password) {
        submit(core -> core.register(password));
    }

    // ---- commands, from any thread ----

    public void join(String room) {
        submit(core -> core.join(room));
    }

    /** Leaves a room, or closes a direct conversation (which a new message opens again). */
    public void part(String room) {
        submit(core -> core.part(room));
    }

    /**
     * Opens the direct conversation with {@code with} without saying anything, as a restart does for the
     * conversations open before it: it shows its recent messages once a gateway is reached.
     */
    public void openConversation(String with) {
        submit(core -> core.openConversation(with));
    }

    /**
     * Says {@code text} in a room, or to the nick of a direct conversation: shown at once, sent now or as soon as a
     * gateway is reached.
     */
    public void say(String stream, String text) {
        submit(core -> core.say(stream, text));
    }

    /** Sends the failed own messages of a stream again, under their ids. */
    public void retry(String stream) {
        submit(core -> core.retry(stream));
    }

    /** Asks a page of messages older than the first a stream shows, unless it shows the first of all already. */
    public void older(String stream) {
        submit(core -> core.older(stream));
    }

    public void who(String room) {
        submit(core -> core.who(room));
    }

    public void rooms() {
        submit(core -> core.rooms());
    }

    /** A line of the client's own in a stream: help, answers, errors. */
    public void notice(String stream, String text) {
        submit(core -> core.notice(stream, text));
    }

    /** What the session showed at the end of its last turn; never waits. */
    public Shown shown() {
        return shown;
    }

    /** What a stream shows, oldest first, as of the session's last turn; empty for a stream it does not have. */
    public List<Timeline.Entry> entries(String stream) {
        return shown.entries(stream);
    }

    /** The nicks in a room, as of the session's last turn. */
    public List<String> members(String room) {
        return shown.members(room);
    }

    /**
     * Hands a command to the session's thread. None is dropped: while the queue is full, which takes a session that
     * has stopped taking them, the caller waits, until the session ends.
     */
    private void submit(Consumer<SessionCore> command) {
        try {
            while (!commands.offer(command, 100, TimeUnit.MILLISECONDS)) {
                if (thread.getState() == Thread.State.TERMINATED) {
                    return;
                }
            }
            LockSupport.unpark(thread);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands what a connection's thread learnt to the session's thread; waits while it is behind. Returns false when the
     * session has ended, and nobody will take it.
     */
    private boolean post(Event event) {
        try {
            while (!network.offer(event, 100, TimeUnit.MILLISECONDS)) {
                if (thread.getState() == Thread.State.TERMINATED) {
                    return false;
                }
            }
            LockSupport.unpark(thread);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- the session's thread ----

    private void run() {
        core.start();
        try {
            while (core.running()) {
                long ponged = pongReadOn.getAndSet(0);
                if (ponged != 0) {
                    core.ponged(ponged);
                }
                core.tick();
                boolean busy = runCommands();
                for (int i = 0; i < FRAMES_PER_TURN && core.running(); i++) {
                    Event event = network.poll();
                    if (event == null) {
                        break;
                    }
                    handle(event);
                    busy = true;
                }
                core.publish(s -> shown = s);
                told.tell();
                if (!busy && core.running()) {
                    LockSupport.parkNanos((core.pacing() ? PACED_TICK : IDLE_TICK).toNanos());
                }
            }
        } finally {
            core.stop();
            core.publish(s -> shown = s);
            told.tell();
            List.copyOf(sockets.keySet()).forEach(this::closeConnection);
            for (Event event = network.poll(); event != null; event = network.poll()) {
                if (event instanceof Event.Connected c) {
                    closeQuietly(c.socket());
                }
            }
        }
    }

    private boolean runCommands() {
        boolean ran = false;
        for (Consumer<SessionCore> command = commands.poll(); command != null && core.running(); command = commands.poll()) {
            command.accept(core);
            ran = true;
        }
        return ran;
    }

    private void handle(Event event) {
        switch (event) {
            case Event.Connected c -> opened(c.connection(), c.socket());
            case Event.Frame f -> core.frame(f.connection(), f.frame());
            case Event.Closed c -> {
                closeConnection(c.connection());
                core.closed(c.connection(), c.why());
            }
        }
    }

    private void opened(long id, Socket socket) {
        try {
            writers.put(id, new ConnectionWriter("session-" + nick + "-writer-" + id, socket.getOutputStream(),
                e -> post(new Event.Closed(id, "cannot write: " + e.getMessage()))));
            sockets.put(id, socket);
        } catch (IOException e) {
            closeQuietly(socket);
            core.closed(id, "cannot write: " + e.getMessage());
            return;
        }
        core.connected(id);
    }

    private void closeConnection(long id) {
        ConnectionWriter writer = writers.remove(id);
        if (writer != null) {
            writer.close();
        }
        closeQuietly(sockets.remove(id));
    }

    /** Opens a connection on a thread of its own, which then reads it: a gateway slow to answer holds nothing up. */
    private void connect(long id, Failover.Gateway target) {
        Thread.ofVirtual().name("session-" + nick + "-connection-" + id).start(() -> {
            Socket socket;
            try {
                socket = transport.open(target, CONNECT_TIMEOUT);
            } catch (IOException e) {
                post(new Event.Closed(id, "cannot reach " + target + ": " + e.getMessage()));
                return;
            }
            if (post(new Event.Connected(id, socket)) && thread.isAlive()) {
                read(socket, id);
            } else {
                // The session ended meanwhile: its last turn closed the sockets it knew, and never knew this one.
                closeQuietly(socket);
            }
        });
    }

    private void read(Socket socket, long id) {
        String why = "connection closed";
        try {
            LineReader reader = new LineReader(socket.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    ServerFrame frame = FrameCodec.decodeServer(line);
                    if (frame instanceof ServerFrame.Pong) {
                        pongReadOn.set(id);
                        pongsRead.incrementAndGet();
                    }
                    post(new Event.Frame(id, frame));
                } catch (ProtocolException e) {
                    // A frame of a newer gateway this client does not know: passed over.
                }
            }
        } catch (IOException | ProtocolException e) {
            why = "connection lost: " + e.getMessage();
        }
        post(new Event.Closed(id, why));
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Gone already.
            }
        }
    }

    /** The core's network: sockets opened and read on threads of their own, written by a writer each. */
    private final class Sockets implements SessionCore.Network {
        @Override
        public void open(long id, Failover.Gateway target) {
            connect(id, target);
        }

        @Override
        public boolean write(long id, byte[] lines) {
            ConnectionWriter writer = writers.get(id);
            return writer != null && writer.offer(lines);
        }

        @Override
        public boolean drained(long id) {
            ConnectionWriter writer = writers.get(id);
            return writer == null || writer.drained();
        }

        @Override
        public void close(long id) {
            closeConnection(id);
        }
    }

    /** Quits: the session says so to the gateway, and ends once that is written, or after 5 s. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        submit(SessionCore::quit);
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
