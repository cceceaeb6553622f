package chat.gateway;

import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.LineReader;
import chat.protocol.MessageKey;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: a reader thread that decodes frames and hands them to the {@link Commands}, and a writer
 * thread that writes what gathers in the connection's {@link Outbound} to the socket. Any thread may {@link #send};
 * sending never blocks, and a client whose outbound overflows is cut off. Its deadlines are read on the gateway's
 * {@link Time}, and the two things it does later run as that time's tasks: the close of a slow consumer's socket once
 * its last frame had {@link #SLOW_CONSUMER_GRACE} to go out, and of a TLS socket whose handshake did not end by the
 * first-line deadline. Thread-safe.
 */
final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    static final Duration SLOW_CONSUMER_GRACE = Duration.ofSeconds(1);

    /** A client frame waiting for Kafka, and the {@code ref} its answer must carry (null when it had none). */
    record Pending(String ref) {}

    /** What the gateway does with a connection's frames, and when it ends ({@link Commands}). */
    interface Handler {
        /** A valid frame from the client, on the connection's reader thread. */
        void dispatch(Connection c, ClientFrame frame);

        /** The connection ended, before its last frame is queued. */
        void disconnected(Connection c);
    }

    /**
     * An ack owed under {@code ref}. {@code atReadBack}: a resend, acked only when the fan-out reads it back, since
     * Kafka's answer names this copy and an earlier one may lie below it, unread yet (see {@link #expectAck}).
     */
    private record AwaitedAck(String ref, boolean atReadBack) {}

    private final long id;
    private final Socket socket;
    /** The rate, idle and queue limits this connection is held to. */
    private final GatewayConfig limits;
    private final Outbound outbound;
    private final Replays replays;
    /** Run once, when the connection is over: gives back its place under the connection limits. */
    private final Runnable onEnd;
    private final Handler handler;
    private final GatewayMetrics metrics;
    private final Time time;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** A TLS connection whose handshake has not ended yet: a close then closes the socket, which ends the handshake. */
    private volatile boolean handshaking;
    private volatile CloseReason closeReason;
    private volatile String nick;
    /** Names this connection's holding of its nick on the presence topic; set with the nick. */
    private volatile String claimId;
    /** Names the session this connection holds, for its whole life (see {@code PresenceState.Session#id}). */
    private volatile String sessionId;
    /** The account the session is signed in to, or null for a guest. */
    private volatile String account;
    /**
     * Per partition of the chat topic, where this session's live stream of waiting direct messages starts: those below
     * came from the history at sign-in. Null until the fan-out opened the inbox (and for guests).
     */
    private volatile long[] inboxFrom;
    /** Queued to by the fan-out, whose writer the fan-out wakes after its batch. Owned by the fan-out thread. */
    boolean awaitsFanOutWake;
    private volatile CountDownLatch clusterAnswer = new CountDownLatch(0);
    /** The session lives on elsewhere (resumed on another connection) or was already released by the cluster. */
    private volatile boolean handedOver;
    /** Whether the client sent a frame while this connection held its session: it heard its welcome. */
    private volatile boolean spokeAsSession;
    private volatile boolean knownElsewhere;

    /** Rooms this connection receives: entered when the fan-out thread reads its join back from Kafka. */
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    /** Joins and parts written to Kafka and not yet read back, by room. */
    final Map<String, ClientFrame.Join> pendingJoins = new ConcurrentHashMap<>();
    final Map<String, Pending> pendingParts = new ConcurrentHashMap<>();
    /** Messages said and not yet acked. Guarded by itself for ack-before-message order. */
    private final Map<MessageKey, AwaitedAck> pendingAcks = new ConcurrentHashMap<>();
    /**
     * Messages that Kafka acked and the fan-out has not read back yet; null while there are none, as nearly always.
     * Guarded by {@link #pendingAcks}.
     */
    private Map<MessageKey, RecentIds.Seen> ackedAhead;

    Connection(long id, Socket socket, GatewayConfig limits, Handler handler, GatewayMetrics metrics, Time time,
               Runnable onEnd) {
        this.id = id;
        this.time = time;
        this.socket = socket;
        this.limits = limits;
        // Unnamed: a writer is started per burst of lines, and naming each would cost as much as the rest of its start.
        this.outbound = new Outbound(limits.outboundQueueFrames(), () -> Thread.startVirtualThread(this::writeLoop));
        // A quarter of the queue may be held while a room replays, so the held lines and the history's last frames fit
        // into the half that a replay waits to have free before it sends (awaitQueueRoom).
        this.replays = new Replays(this::sendLine, Math.max(1, limits.outboundQueueFrames() / 4));
        this.handler = handler;
        this.metrics = metrics;
        this.onEnd = onEnd;
    }

    long id() {
        return id;
    }

    /** The nick from a successful hello, or null before it. */
    String nick() {
        return nick;
    }

    String claimId() {
        return claimId;
    }

    String sessionId() {
        return sessionId;
    }

    /**
     * The cluster decided this connection holds the session, through the claim {@code claimId}. {@code known}: whether
     * the client can take the session up elsewhere without this connection's welcome: it presented the session's token,
     * or the session is its account's, which its credentials regain.
     */
    void holdSession(String nick, String claimId, String sessionId, String account, boolean known) {
        this.knownElsewhere = known;
        this.claimId = claimId;
        this.sessionId = sessionId;
        this.account = account;
        this.nick = nick;
    }

    /** The account the session is signed in to, or null for a guest. */
    String account() {
        return account;
    }

    /** The session registered its nick: it is signed in to the new account from now on. */
    void signedIn(String newAccount) {
        this.account = newAccount;
    }

    /** The address the client connects from, as the connection limits and the sign-in throttle count it. */
    InetAddress address() {
        return socket.getInetAddress();
    }

    /** The fan-out's position in every partition when it opened this session's inbox; called on the fan-out thread. */
    void openInbox(long[] positions) {
        inboxFrom = positions.clone();
    }

    /** Whether a waiting direct message at {@code seq} of {@code partition} comes live, not from the inbox's history. */
    boolean waitsLive(int partition, long seq) {
        long[] from = inboxFrom;
        return from != null && partition < from.length && seq >= from[partition];
    }

    /**
     * A frame that the cluster must decide (a hello, a register) is on its way; the returned latch opens when it is
     * answered. The reader thread waits on it, so the frames behind run once the decision is in place.
     */
    CountDownLatch awaitingCluster() {
        CountDownLatch answer = new CountDownLatch(1);
        clusterAnswer = answer;
        return answer;
    }

    void clusterAnswered() {
        clusterAnswer.countDown();
    }

    /** From now on the session is not this connection's to end: closing it leaves no room and releases nothing. */
    void handOver() {
        handedOver = true;
    }

    boolean handedOver() {
        return handedOver;
    }

    /**
     * Whether the client said anything after its hello was answered. A client that closes its connection without a
     * word after its hello most likely gave up waiting for the welcome, and says hello on another gateway.
     */
    boolean spokeAsSession() {
        return spokeAsSession;
    }

    /** Whether the client can take its session up on another gateway without having heard this one's welcome. */
    boolean knownElsewhere() {
        return knownElsewhere;
    }

    boolean isOpen() {
        return !closing.get();
    }

    boolean isMember(String room) {
        return rooms.contains(room);
    }

    Set<String> rooms() {
        return rooms;
    }

    /** The rooms whose history is being replayed to this connection, holding their live messages meanwhile. */
    Replays replays() {
        return replays;
    }

    /**
     * Starts the reader thread. A TLS connection's reader runs the handshake first, under the first-line deadline,
     * and only then lets writers start, so that no frame queued meanwhile starts a handshake of its own on a writer.
     */
    void start() {
        handshaking = socket instanceof SSLSocket;
        Thread.ofVirtual().name("conn-" + id + "-reader").start(() -> {
            long connectedAt = time.nanoTime();
            LineDeadline deadline = new LineDeadline(limits.firstLineTimeout(), limits.idleTimeout(), connectedAt);
            boolean secured = !(socket instanceof SSLSocket tls) || handshake(tls, deadline.due());
            outbound.release();
            if (secured) {
                readLoop(connectedAt, deadline);
            }
        });
    }

    /**
     * Runs the TLS handshake, which must end by the deadline: a timer closes the socket then unless it ended, as a
     * socket timeout alone bounds each read and not the whole, which a client sending a byte at a time could stretch.
     * False (and the connection closed) when it fails.
     */
    private boolean handshake(SSLSocket tls, long deadlineNanos) {
        time.after(Duration.ofNanos(Math.max(0, deadlineNanos - time.nanoTime())), () -> {
            if (handshaking) {
                closeSocket();
            }
        });
        try {
            tls.setSoTimeout((int) Math.max(1, Duration.ofNanos(deadlineNanos - time.nanoTime()).toMillis()));
            tls.startHandshake();
            handshaking = false;
            return true;
        } catch (IOException e) {
            boolean late = time.nanoTime() - deadlineNanos >= 0 || e instanceof SocketTimeoutException;
            log.debug("connection {}: TLS handshake {}: {}", id, late ? "too slow" : "failed", e.toString());
            // Nothing can be said to a client that has no TLS session: the connection just closes.
            close(late ? CloseReason.TOO_SLOW : CloseReason.TLS_FAILED, null);
            return false;
        }
    }

    /** Frames queued for the client and not yet written. */
    int queuedFrames() {
        return outbound.queued();
    }

    /** Queues a frame for the client; a client whose outbound is full is cut off as a slow consumer. */
    void send(ServerFrame frame) {
        if (isOpen()) {
            sendLine(FrameCodec.encodeLine(frame));
        }
    }

    /** As {@link #send}, for a frame already encoded once for many recipients ({@link FrameCodec#encodeLine}). */
    void sendLine(byte[] line) {
        queue(line, true);
    }

    /**
     * As {@link #sendLine}, but the writer is not woken yet: the fan-out queues a batch of events, then calls
     * {@link #wake} once for each connection it queued to.
     */
    void queueLine(byte[] line) {
        queue(line, false);
    }

    /** Wakes the writer for what {@link #queueLine} queued. */
    void wake() {
        outbound.wake();
    }

    private void queue(byte[] line, boolean wakeNow) {
        if (isOpen() && !outbound.offer(line, wakeNow)) {
            cutOffSlowConsumer();
        }
    }

    /**
     * Waits until half the client's queue is free, so that a replay, however long, goes at the pace the client
     * reads instead of cutting it off as a slow consumer. False when the connection closed, or the client read
     * nothing for {@code patience}.
     */
    boolean awaitQueueRoom(Duration patience) throws InterruptedException {
        long deadline = time.nanoTime() + patience.toNanos();
        while (isOpen()) {
            // In slices, so that a connection closed meanwhile is noticed.
            if (outbound.awaitRoom(limits.outboundQueueFrames() / 2, Duration.ofMillis(200))) {
                return true;
            }
            if (time.nanoTime() - deadline > 0) {
                return false;
            }
        }
        return false;
    }

    /** Says {@code bye} with the reason's {@link CloseReason#bye()} (answering {@code ref}), then closes. */
    void bye(CloseReason reason, String ref) {
        close(reason, new ServerFrame.Bye(reason.bye(), ref));
    }

    /** Sends {@code last} (a bye or a final error), then closes. The first close wins; later ones do nothing. */
    void close(CloseReason reason, ServerFrame last) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        if (handshaking) {
            // Ends the handshake on the reader thread now, rather than at the first-line deadline.
            closeSocket();
        }
        clusterAnswered();
        // Leaves and the release go to Kafka before the last frame is queued: a client that reads its bye and says
        // hello again through this gateway finds its nick free.
        handler.disconnected(this);
        outbound.finish(last == null ? null : FrameCodec.encodeLine(last));
    }

    // ---- acks: a sender always gets its ack before its own message ----
    // A stream is a room, or a direct-message conversation (which cannot clash with a room: it starts with '@').

    /** Most messages remembered as acked ahead of the fan-out; older ones are forgotten first. */
    static final int ACKED_AHEAD = 256;

    /**
     * A message goes to Kafka and is owed an ack. A {@code resend} may have a first copy that another gateway wrote and
     * this gateway's fan-out has not read yet: then Kafka's answer names the second copy, and only the fan-out, which
     * reads the stream in order, finds the first. So a resend is acked when the fan-out reads it (or its first copy)
     * back; any other message as soon as Kafka has it.
     */
    void expectAck(MessageKey message, String ref, boolean resend) {
        pendingAcks.put(message, new AwaitedAck(ref, resend));
    }

    /** Whether an ack of the message is owed on this connection. */
    boolean owesAck(MessageKey message) {
        return pendingAcks.containsKey(message);
    }

    /**
     * Whether a write of the message from this connection is still waiting for Kafka: then a resend of it waits for
     * that write's ack, which goes out under the resend's {@code ref}, rather than write a second copy.
     */
    boolean awaitingAck(MessageKey message, String ref) {
        synchronized (pendingAcks) {
            return pendingAcks.computeIfPresent(message, (key, owed) -> new AwaitedAck(ref, owed.atReadBack())) != null;
        }
    }

    /** Acks the message unless the ack went out already; whether it did now. */
    private boolean ackIfPending(MessageKey message, long seq, String ts) {
        synchronized (pendingAcks) {
            AwaitedAck owed = pendingAcks.remove(message);
            if (owed != null) {
                send(new ServerFrame.Ack(message.id(), seq, ts, owed.ref()));
            }
            return owed != null;
        }
    }

    /**
     * Kafka took the message at {@code seq}: acks it, unless the fan-out read it back first and acked it then, or it
     * is a resend, which waits for the fan-out (see {@link #expectAck}). Until the fan-out reads it back, a resend of
     * it is acked as this copy ({@link #ackedAhead}): {@code RecentIds} knows it only from then on.
     */
    void ackFromKafka(MessageKey message, long seq, String ts) {
        synchronized (pendingAcks) {
            AwaitedAck owed = pendingAcks.get(message);
            if (owed != null && !owed.atReadBack() && ackIfPending(message, seq, ts)) {
                if (ackedAhead == null) {
                    ackedAhead = new LinkedHashMap<>() {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<MessageKey, RecentIds.Seen> eldest) {
                            return size() > ACKED_AHEAD;
                        }
                    };
                }
                ackedAhead.putIfAbsent(message, new RecentIds.Seen(seq, ts));
            }
        }
    }

    /** A copy of the message that Kafka acked and the fan-out has not read back yet, or null. */
    RecentIds.Seen ackedAhead(MessageKey message) {
        synchronized (pendingAcks) {
            return ackedAhead == null ? null : ackedAhead.get(message);
        }
    }

    /**
     * The fan-out read this connection's message back, at {@code seq} or as a duplicate of the copy at {@code seq}:
     * acks it if Kafka's answer has not come yet, and forgets it as acked ahead.
     */
    void readBack(MessageKey message, long seq, String ts) {
        synchronized (pendingAcks) {
            ackIfPending(message, seq, ts);
            if (ackedAhead != null && ackedAhead.remove(message) != null && ackedAhead.isEmpty()) {
                ackedAhead = null;
            }
        }
    }

    /** Called when Kafka refused the message: the client learns nothing was acked. */
    void failIfPending(MessageKey message, String reason) {
        synchronized (pendingAcks) {
            AwaitedAck owed = pendingAcks.remove(message);
            if (owed != null) {
                send(new ServerFrame.Error(ErrorCode.UNAVAILABLE, reason, owed.ref()));
            }
        }
    }

    /** Delivers this connection's own message, acking it first if Kafka's answer has not arrived yet. */
    void deliverOwn(MessageKey message, long seq, String ts, byte[] line, boolean wakeNow) {
        synchronized (pendingAcks) {
            readBack(message, seq, ts);
            deliver(message.stream(), seq, line, wakeNow);
        }
    }

    /**
     * Queues a live message of a stream for the fan-out, which wakes the writer now or after its batch
     * ({@code wakeNow}); unless the stream's history is being replayed: then it waits its turn.
     */
    void deliver(String stream, long seq, byte[] line, boolean wakeNow) {
        if (!replays.holdIfReplaying(stream, seq, line)) {
            queue(line, wakeNow);
        }
    }

    // ---- membership: changed by the fan-out thread, and by the presence thread when a session resumes here ----

    void enterRoom(String room) {
        rooms.add(room);
    }

    void leaveRoom(String room) {
        rooms.remove(room);
        replays.abandon(room);
    }

    // ---- threads ----

    private void readLoop(long connectedAt, LineDeadline deadline) {
        try {
            DeadlineInputStream input = new DeadlineInputStream(socket.getInputStream(), socket::setSoTimeout,
                time::nanoTime, deadline.due());
            LineReader reader = new LineReader(input);
            FloodGuard flood = new FloodGuard(limits.framesPerSecond(), limits.frameBurst(), limits.floodCutoff(),
                connectedAt);
            while (isOpen()) {
                String line = null;
                ProtocolException unreadable = null;
                try {
                    line = reader.readLine();
                } catch (SocketTimeoutException e) {
                    bye(deadline.missed(), null);
                    return;
                } catch (ProtocolException e) {
                    if (e.code() == ErrorCode.FRAME_TOO_LARGE) {
                        close(CloseReason.FRAME_TOO_LARGE, new ServerFrame.Error(e.code(), e.getMessage(), null));
                        return;
                    }
                    unreadable = e;
                }
                if (line == null && unreadable == null) {
                    close(CloseReason.CLIENT_GONE, null);
                    return;
                }
                long now = time.nanoTime();
                if (nick != null && !spokeAsSession) {
                    // Read before written: a volatile write on every line would cost each frame a fence.
                    spokeAsSession = true;
                }
                input.deadline(deadline.lineRead(now));
                FloodGuard.Verdict verdict = flood.admit(now);
                if (verdict == FloodGuard.Verdict.CUT_OFF) {
                    bye(CloseReason.FLOODING, null);
                    return;
                }
                ClientFrame frame = null;
                if (unreadable == null) {
                    try {
                        frame = FrameCodec.decodeClient(line);
                    } catch (ProtocolException e) {
                        unreadable = e;
                    }
                }
                String ref = frame != null ? frame.ref() : unreadable.ref();
                if (verdict == FloodGuard.Verdict.REJECT) {
                    send(new ServerFrame.Error(ErrorCode.RATE_LIMITED,
                        "more than " + limits.framesPerSecond() + " frames a second; this one was dropped", ref));
                } else if (unreadable != null) {
                    send(new ServerFrame.Error(unreadable.code(), unreadable.getMessage(), ref));
                } else {
                    handler.dispatch(this, frame);
                }
            }
        } catch (IOException e) {
            // A reset by the peer, or our own close of the socket (then the first close's reason stands).
            close(CloseReason.CLIENT_GONE, null);
        } catch (RuntimeException e) {
            log.error("connection {} failed", id, e);
            close(CloseReason.IO_ERROR, null);
        }
    }

    /**
     * A writer: writes what the outbound gathers until none is left (the writer ends; the next line starts another)
     * or the stream ends (the connection is over).
     */
    private void writeLoop() {
        boolean over = true;
        try {
            // Unbuffered: the outbound gathers lines into writes of its own, and a buffer here would be held while idle.
            over = outbound.drainTo(socket.getOutputStream(), metrics);
        } catch (IOException | RuntimeException e) {
            outbound.fail();
            close(CloseReason.IO_ERROR, null);
        }
        if (over) {
            closeSocket();
            CloseReason reason = closeReason;
            metrics.connectionClosed(reason == null ? CloseReason.IO_ERROR : reason);
            onEnd.run();
            log.debug("connection {} ({}) closed: {}", id, nick, reason);
        }
    }

    private void cutOffSlowConsumer() {
        log.info("connection {} ({}) cut off: slow consumer", id, nick);
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeReason = CloseReason.SLOW_CONSUMER;
        outbound.replaceWithLast(FrameCodec.encodeLine(new ServerFrame.Error(ErrorCode.SLOW_CONSUMER,
            "you did not read fast enough; closing", null)));
        // The caller may be the fan-out thread, which must not wait on Kafka: the leave events go from a thread of
        // their own. The writer is most likely stuck on a full socket: give the last frame a moment, then force the close.
        Thread.ofVirtual().name("conn-" + id + "-cutoff").start(() -> handler.disconnected(this));
        time.after(SLOW_CONSUMER_GRACE, this::closeSocket);
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already gone: nothing left to release.
        }
    }
}
