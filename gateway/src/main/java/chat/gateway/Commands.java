package chat.gateway;

import chat.gateway.presence.PresenceState;
import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.Limits;
import chat.protocol.MessageKey;
import chat.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out client frames. {@link #dispatch} checks each frame's preconditions (hello first, membership of the
 * room) in one place before any handler runs; handlers only queue frames and write events, never touch a socket.
 * Answers that depend on Kafka (welcome, ack, joined, parted) come later, from the producer, the fan-out or the
 * presence thread. Thread-safe: called from every connection's reader thread.
 */
final class Commands implements Connection.Handler {
    private static final Logger log = LoggerFactory.getLogger(Commands.class);
    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String gatewayId;
    private final EventLog events;
    private final ClusterPresence presence;
    private final Sessions sessions;
    private final LocalRooms localRooms;
    private final RoomMembers roomMembers;
    private final RecentIds recentIds;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Duration helloPatience;
    private final HistoryReplayer replayer;
    private final FanOut fanOut;
    private final Inbox inbox;
    private final SignIn signIn;
    private final SessionTokens tokens;

    Commands(String gatewayId, EventLog events, ClusterPresence presence, Sessions sessions, LocalRooms localRooms,
             RoomMembers roomMembers, RecentIds recentIds, GatewayMetrics metrics, Clock clock, Duration sendTimeout, HistoryReplayer replayer,
             FanOut fanOut, Inbox inbox, SignIn signIn, SessionTokens tokens) {
        this.inbox = inbox;
        this.signIn = signIn;
        this.tokens = tokens;
        this.replayer = replayer;
        this.fanOut = fanOut;
        this.gatewayId = gatewayId;
        this.events = events;
        this.presence = presence;
        this.sessions = sessions;
        this.localRooms = localRooms;
        this.roomMembers = roomMembers;
        this.recentIds = recentIds;
        this.metrics = metrics;
        this.clock = clock;
        // The claim's own send fails within the send timeout; reading it back takes moments more.
        this.helloPatience = sendTimeout.plusSeconds(5);
    }

    @Override
    public void dispatch(Connection c, ClientFrame frame) {
        String ref = frame.ref();
        ServerFrame.Error refused = refusal(frame, c.nick() != null, c::isMember);
        if (refused != null) {
            c.send(refused);
            return;
        }
        switch (frame) {
            case ClientFrame.Hello h -> hello(c, h);
            case ClientFrame.Join j -> join(c, j);
            case ClientFrame.Part p -> part(c, p);
            case ClientFrame.Say s -> say(c, s);
            case ClientFrame.Dm d -> dm(c, d);
            case ClientFrame.Who w -> {
                RoomMembers.Page page = roomMembers.page(w.room(), w.after(), w.limit());
                c.send(new ServerFrame.Members(w.room(), page.nicks(), page.count(), page.quiet(), page.more(), ref));
            }
            case ClientFrame.Rooms r -> c.send(new ServerFrame.RoomList(roomMembers.rooms().entrySet().stream()
                .map(e -> new ServerFrame.RoomSummary(e.getKey(), e.getValue())).toList(), ref));
            case ClientFrame.History h -> history(c, h);
            case ClientFrame.Received r -> received(c, r);
            case ClientFrame.Ping p -> c.send(new ServerFrame.Pong(ref));
            case ClientFrame.Quit q -> c.bye(CloseReason.QUIT, ref);
            case ClientFrame.Register r -> register(c, r);
        }
    }

    /**
     * What every handler may count on, checked once before any runs: a hello first, and only once; membership of the
     * room a frame acts in. Returns the error that refuses {@code frame} on a connection whose hello is done or not,
     * and which is a member of the rooms {@code isMember} says, or null when the frame may run.
     */
    static ServerFrame.Error refusal(ClientFrame frame, boolean helloDone, Predicate<String> isMember) {
        String ref = frame.ref();
        boolean allowedBeforeHello = frame instanceof ClientFrame.Hello || frame instanceof ClientFrame.Ping
            || frame instanceof ClientFrame.Quit;
        if (!helloDone && !allowedBeforeHello) {
            return new ServerFrame.Error(ErrorCode.HELLO_FIRST, "say hello first", ref);
        }
        if (helloDone && frame instanceof ClientFrame.Hello) {
            return new ServerFrame.Error(ErrorCode.HELLO_FIRST, "hello comes once, first", ref);
        }
        String memberOf = switch (frame) {
            case ClientFrame.Say s -> s.room();
            case ClientFrame.Part p -> p.room();
            default -> null;
        };
        if (memberOf != null && !isMember.test(memberOf)) {
            return new ServerFrame.Error(ErrorCode.NOT_MEMBER, "join " + memberOf + " first", ref);
        }
        return null;
    }

    /**
     * Claims the nick and waits, on the connection's reader thread, until the cluster answers: frames a client sends
     * right behind its hello are then carried out as the session they were meant for.
     */
    private void hello(Connection c, ClientFrame.Hello hello) {
        try {
            String account = signIn.account(c, hello);
            CountDownLatch answered = c.awaitingCluster();
            presence.claim(c, hello, account, signIn.guestsAllowed());
            awaitCluster(answered, "the hello of " + hello.nick());
        } catch (SignIn.Refused r) {
            c.send(new ServerFrame.Error(r.code(), r.getMessage(), hello.ref()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Registers the session's nick to a new account, waiting like a hello for the cluster to decide. */
    private void register(Connection c, ClientFrame.Register register) {
        if (c.account() != null) {
            c.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED,
                c.nick() + " is registered already, and you are signed in to it", register.ref()));
            return;
        }
        try {
            String credential = signIn.credentialFor(register.password());
            CountDownLatch answered = c.awaitingCluster();
            presence.register(c, tokens.newToken(), credential, register.ref());
            awaitCluster(answered, "the registration of " + c.nick());
        } catch (SignIn.Refused r) {
            c.send(new ServerFrame.Error(r.code(), r.getMessage(), register.ref()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits on the reader thread until the cluster decided, so the frames behind run once the decision is in place. */
    private void awaitCluster(CountDownLatch answered, String what) throws InterruptedException {
        if (!answered.await(helloPatience.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("no answer to {} within {}", what, helloPatience);
        }
    }

    /** Serves stored direct messages only to a signed-in account, and only its own (the history filters by account). */
    private void history(Connection c, ClientFrame.History request) {
        if (request.with() != null && c.account() == null) {
            c.send(new ServerFrame.Error(ErrorCode.AUTH_REQUIRED,
                "stored direct messages are kept for accounts: register your nick to keep yours", request.ref()));
            return;
        }
        replayer.answer(c, request);
    }

    /** Only a signed-in account has messages that wait for it, and only its own can it say it received. */
    private void received(Connection c, ClientFrame.Received received) {
        if (c.account() == null) {
            c.send(new ServerFrame.Error(ErrorCode.AUTH_REQUIRED,
                "only an account's direct messages wait for it while it is away", received.ref()));
            return;
        }
        inbox.received(c, received.with(), received.through());
    }

    private void join(Connection c, ClientFrame.Join join) {
        String room = join.room();
        if (c.isMember(room)) {
            // A session that resumed is in its rooms already; it catches up, from after or with the last messages, to
            // what it has been sent here. Held from now on, every live message of the room is at or above the
            // fan-out's position.
            boolean replay = c.replays().begin(room);
            long live = fanOut.nextOffsetOf(room);
            RoomMembers.Page first = roomMembers.page(room, null, Limits.MEMBERS_PAGE);
            c.send(new ServerFrame.Joined(room, first.nicks(), first.count(), first.quiet(), live, join.ref()));
            if (replay) {
                replayer.replay(c, room, join.after(), live, join.ref());
            }
            return;
        }
        if (c.pendingJoins.putIfAbsent(room, join) != null) {
            return;
        }
        // On success the fan-out thread answers joined, and starts the replay, when it reads the event back.
        events.publish(new ChatEvent.MemberJoined(room, c.nick(), c.sessionId(), gatewayId), (offset, failure) -> {
            if (failure != null) {
                ClientFrame.Join refused = c.pendingJoins.remove(room);
                refuse(c, refused == null ? null : new Connection.Pending(refused.ref()), failure);
            }
        });
    }

    private void part(Connection c, ClientFrame.Part part) {
        String room = part.room();
        if (c.pendingParts.putIfAbsent(room, new Connection.Pending(part.ref())) != null) {
            return;
        }
        // On success the fan-out thread answers parted when it reads the event back.
        events.publish(new ChatEvent.MemberLeft(room, c.nick(), c.sessionId(), gatewayId), (offset, failure) -> {
            if (failure != null) {
                refuse(c, c.pendingParts.remove(room), failure);
            }
        });
    }

    private void say(Connection c, ClientFrame.Say say) {
        String ts = TIMESTAMP.format(clock.instant());
        ChatEvent.MessagePosted event = new ChatEvent.MessagePosted(say.room(), c.nick(), say.text(), say.id(), ts,
            gatewayId);
        send(c, MessageKey.of(event), say.ref(), say.resend(), event, ts);
    }

    /**
     * Sends a direct message to the session holding the nick, or, when the nick's account is offline, keeps it
     * waiting for the account's next sign-in.
     */
    private void dm(Connection c, ClientFrame.Dm dm) {
        PresenceState.Session addressee = presence.state().session(dm.to());
        PresenceState.Account account = presence.state().account(dm.to());
        if (addressee == null && account == null) {
            c.send(new ServerFrame.Error(ErrorCode.NO_SUCH_NICK, "nobody holds the nick " + dm.to()
                + " and no account has it", dm.ref()));
            return;
        }
        String ts = TIMESTAMP.format(clock.instant());
        String to = addressee != null ? addressee.nick() : account.nick();
        // The addressee's side names the account only if the nick is registered: a guest's messages stay its own.
        String toAccount = account == null ? null : account.id();
        ChatEvent.DirectMessage event = new ChatEvent.DirectMessage(c.nick(), to, dm.text(), dm.id(), ts, gatewayId,
            c.account(), toAccount, addressee == null);
        send(c, MessageKey.of(event), dm.ref(), dm.resend(), event, ts);
    }

    /** Writes a message of a stream (a room or a conversation) to Kafka, acking it once Kafka has it. */
    private void send(Connection c, MessageKey message, String ref, boolean resend, ChatEvent event, String ts) {
        RecentIds.Seen earlier = recentIds.find(message);
        if (earlier == null) {
            earlier = c.ackedAhead(message);
        }
        if (earlier != null) {
            // A resend of a message Kafka already holds: ack it as it was, deliver nothing new.
            c.send(new ServerFrame.Ack(message.id(), earlier.seq(), earlier.ts(), ref));
            return;
        }
        if (c.awaitingAck(message, ref)) {
            // A resend while the first write is still in Kafka's hands (a client tires sooner than the send timeout).
            return;
        }
        metrics.messageIn();
        c.expectAck(message, ref, resend);
        events.publish(event, (offset, failure) -> {
            if (failure == null) {
                c.ackFromKafka(message, offset, ts);
            } else {
                c.failIfPending(message, unavailable(failure));
            }
        });
    }

    /**
     * A connection ended: stop delivering to it and, unless its session lives on elsewhere, tell the cluster it left
     * its rooms and release its nick; or, when the client said nothing after its hello, give it a while to take the
     * session up on another gateway first.
     */
    @Override
    public void disconnected(Connection c) {
        sessions.remove(c);
        Set<String> rooms = new HashSet<>(c.rooms());
        rooms.addAll(c.pendingJoins.keySet());
        for (String room : rooms) {
            localRooms.remove(room, c);
        }
        String nick = c.nick();
        if (nick == null || c.handedOver()) {
            return;
        }
        if (!c.spokeAsSession() && c.knownElsewhere()) {
            presence.releaseUnlessTakenUp(nick, c.claimId());
            return;
        }
        for (String room : rooms) {
            events.publish(new ChatEvent.MemberLeft(room, nick, c.sessionId(), gatewayId), (offset, failure) -> {
                if (failure != null) {
                    log.warn("could not record that {} left {}: {}", nick, room, failure.toString());
                }
            });
        }
        presence.release(nick, c.claimId());
    }

    private static void refuse(Connection c, Connection.Pending pending, Exception failure) {
        if (pending != null) {
            c.send(new ServerFrame.Error(ErrorCode.UNAVAILABLE, unavailable(failure), pending.ref()));
        }
    }

    private static String unavailable(Exception cause) {
        return "Kafka did not take it in time (" + cause.getClass().getSimpleName() + "); nothing was acked, resend the same id";
    }
}
