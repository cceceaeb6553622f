package chat.gateway;

import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out client frames. {@link #dispatch} checks each frame's preconditions (hello first, membership of the
 * room) in one place before any handler runs; handlers only queue frames and write events, never touch a socket.
 * Answers that depend on Kafka (ack, joined, parted) come later, from the producer or the fan-out thread.
 * Thread-safe: called from every connection's reader thread.
 */
final class Commands {
    private static final Logger log = LoggerFactory.getLogger(Commands.class);
    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String gatewayId;
    private final EventLog events;
    private final Sessions sessions;
    private final LocalRooms localRooms;
    private final RoomDirectory directory;
    private final RecentIds recentIds;
    private final GatewayStats stats;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Commands(String gatewayId, EventLog events, Sessions sessions, LocalRooms localRooms, RoomDirectory directory,
             RecentIds recentIds, GatewayStats stats, Clock clock) {
        this.gatewayId = gatewayId;
        this.events = events;
        this.sessions = sessions;
        this.localRooms = localRooms;
        this.directory = directory;
        this.recentIds = recentIds;
        this.stats = stats;
        this.clock = clock;
    }

    void dispatch(Connection c, ClientFrame frame) {
        String ref = frame.ref();
        boolean helloDone = c.nick() != null;
        boolean allowedBeforeHello = frame instanceof ClientFrame.Hello || frame instanceof ClientFrame.Ping
            || frame instanceof ClientFrame.Quit;
        if (!helloDone && !allowedBeforeHello) {
            c.send(new ServerFrame.Error(ErrorCode.HELLO_FIRST, "say hello first", ref));
            return;
        }
        if (helloDone && frame instanceof ClientFrame.Hello) {
            c.send(new ServerFrame.Error(ErrorCode.HELLO_FIRST, "hello comes once, first", ref));
            return;
        }
        String memberOf = switch (frame) {
            case ClientFrame.Say s -> s.room();
            case ClientFrame.Part p -> p.room();
            default -> null;
        };
        if (memberOf != null && !c.isMember(memberOf)) {
            c.send(new ServerFrame.Error(ErrorCode.NOT_MEMBER, "join " + memberOf + " first", ref));
            return;
        }
        switch (frame) {
            case ClientFrame.Hello h -> hello(c, h);
            case ClientFrame.Join j -> join(c, j);
            case ClientFrame.Part p -> part(c, p);
            case ClientFrame.Say s -> say(c, s);
            case ClientFrame.Who w -> c.send(new ServerFrame.Error(ErrorCode.UNKNOWN_TYPE, "who is not served yet", ref));
            case ClientFrame.Rooms r -> c.send(new ServerFrame.Error(ErrorCode.UNKNOWN_TYPE, "rooms is not served yet", ref));
            case ClientFrame.Dm d -> c.send(new ServerFrame.Error(ErrorCode.UNKNOWN_TYPE, "dm is not served yet", ref));
            case ClientFrame.Ping p -> c.send(new ServerFrame.Pong(ref));
            case ClientFrame.Quit q -> c.close(CloseReason.QUIT, new ServerFrame.Bye("quit", ref));
        }
    }

    private void hello(Connection c, ClientFrame.Hello hello) {
        if (!sessions.claim(hello.nick(), c)) {
            c.send(new ServerFrame.Error(ErrorCode.NICK_TAKEN, hello.nick() + " is taken", hello.ref()));
            return;
        }
        c.nick(hello.nick());
        c.send(new ServerFrame.Welcome(hello.nick(), newSessionToken(), gatewayId, hello.ref()));
    }

    private void join(Connection c, ClientFrame.Join join) {
        String room = join.room();
        if (c.isMember(room)) {
            c.send(new ServerFrame.Joined(room, directory.members(room), join.ref()));
            return;
        }
        if (c.pendingJoins.putIfAbsent(room, new Connection.Pending(join.ref())) != null) {
            return;
        }
        // On success the fan-out thread answers joined when it reads the event back.
        events.publish(new ChatEvent.MemberJoined(room, c.nick(), gatewayId), (offset, failure) -> {
            if (failure != null) {
                refuse(c, c.pendingJoins.remove(room), failure);
            }
        });
    }

    private void part(Connection c, ClientFrame.Part part) {
        String room = part.room();
        if (c.pendingParts.putIfAbsent(room, new Connection.Pending(part.ref())) != null) {
            return;
        }
        // On success the fan-out thread answers parted when it reads the event back.
        events.publish(new ChatEvent.MemberLeft(room, c.nick(), gatewayId), (offset, failure) -> {
            if (failure != null) {
                refuse(c, c.pendingParts.remove(room), failure);
            }
        });
    }

    private void say(Connection c, ClientFrame.Say say) {
        String room = say.room();
        RecentIds.Seen earlier = recentIds.find(room, c.nick(), say.id());
        if (earlier != null) {
            // A resend of a message Kafka already holds: ack it as it was, deliver nothing new.
            c.send(new ServerFrame.Ack(say.id(), earlier.seq(), earlier.ts(), say.ref()));
            return;
        }
        stats.messageIn();
        String ts = TIMESTAMP.format(clock.instant());
        c.expectAck(room, say.id(), say.ref());
        events.publish(new ChatEvent.MessagePosted(room, c.nick(), say.text(), say.id(), ts, gatewayId),
            (offset, failure) -> {
                if (failure == null) {
                    c.ackIfPending(room, say.id(), offset, ts);
                } else {
                    c.failIfPending(room, say.id(), unavailable(failure));
                }
            });
    }

    /** A connection ended: free its nick, stop delivering to it, and tell the cluster it left its rooms. */
    void disconnected(Connection c) {
        sessions.remove(c);
        Set<String> rooms = new HashSet<>(c.rooms());
        rooms.addAll(c.pendingJoins.keySet());
        for (String room : rooms) {
            localRooms.remove(room, c);
        }
        String nick = c.nick();
        if (nick == null) {
            return;
        }
        for (String room : rooms) {
            events.publish(new ChatEvent.MemberLeft(room, nick, gatewayId), (offset, failure) -> {
                if (failure != null) {
                    log.warn("could not record that {} left {}: {}", nick, room, failure.toString());
                }
            });
        }
    }

    private String newSessionToken() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
