package chat.gateway;

import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who is in each room of the cluster, in the order of the chat topic: a room's joins and leaves are in its partition,
 * so when the fan-out reads a join at offset J, the members here are exactly those whose joins are below J and who
 * have not left below it, on every gateway alike. That is what {@code joined} lists; every later change reaches the
 * room's local members as {@code presence}, and {@code who} and {@code rooms} read the same members, so they never
 * contradict what a client was told.
 *
 * <p>A membership belongs to a session (its id survives a resume), so a session that ended without leaving (its
 * gateway died, or its leave events were lost) is removed by its id when the presence topic says it ended, and a
 * later session of the same nick is never removed by news about an earlier one. The news that a session ended comes
 * from the presence topic, which a gateway reads apart from the chat topic; a join of that session read after it is
 * ignored (the last {@link #ENDED_REMEMBERED} ended sessions are remembered for this).
 *
 * <p>A gateway that starts learns the memberships from before its start from the presence topic's record of each
 * session's rooms ({@link #seed}); from then on the chat topic changes them. A join or leave just below the start may
 * not have been recorded on the presence topic yet when the gateway replayed it: its record, read later, still counts
 * ({@link #recordedBeforeStart}) while the start window is open, unless a newer join or leave of the same room and
 * nick was read since the start.
 *
 * <p>Thread-safe: the fan-out thread is the only writer; connections' reader threads read.
 */
final class RoomMembers {
    static final int ENDED_REMEMBERED = 65_536;
    /** The start window closes early rather than remember more live changes than this. */
    static final int CHANGES_REMEMBERED = 262_144;

    /** What the presence topic tells the fan-out about memberships. */
    sealed interface News {
        /** The session ended: released, or lost with its gateway. */
        record Ended(String session) implements News {}

        /** The session's gateway recorded that it is ({@code member}) or is not in the room after the event at seq. */
        record Recorded(String room, String nick, String session, boolean member, long seq) implements News {}
    }

    /** A nick listed in a room, and the session whose join put it there (null for a join written without one). */
    private record Member(String nick, String session) {}

    /** Room, then folded nick, to member. */
    private final Map<String, Map<String, Member>> rooms = new HashMap<>();
    /** Session id to the rooms it is listed in, so an ended session is removed without a scan of every room. */
    private final Map<String, Set<String>> roomsOfSession = new HashMap<>();
    private final SequencedSet<String> endedSessions = new LinkedHashSet<>();
    /** While the start window is open: each room and folded nick a live join or leave changed since the start. */
    private Set<String> changedSinceStart = new HashSet<>();

    /** Lists the rooms the presence topic records for each session; for a gateway that starts. */
    synchronized void seed(List<PresenceState.Session> sessions) {
        for (PresenceState.Session session : sessions) {
            for (String room : session.rooms()) {
                list(room, session.nick(), session.id());
            }
        }
    }

    /** Whether the nick was not listed in the room before; a join of an ended session changes nothing. */
    synchronized boolean join(String room, String nick, String session) {
        changedLive(room, nick);
        return list(room, nick, session);
    }

    /**
     * Whether the nick was listed in the room and is no longer. A leave of another session than the one listed (an
     * earlier session's leave, read after the nick came back) changes nothing.
     */
    synchronized boolean leave(String room, String nick, String session) {
        changedLive(room, nick);
        return unlist(room, nick, session);
    }

    /**
     * A change the presence topic recorded for a join or leave that the fan-out never read, because it lies below
     * where the fan-out started: the session's gateway had not yet recorded it when this gateway replayed the presence
     * topic. It counts unless a join or leave read since the start changed the same room and nick (which is newer),
     * and only while the start window is open. Whether the room's list changed.
     */
    synchronized boolean recordedBeforeStart(String room, String nick, String session, boolean member) {
        if (changedSinceStart == null || changedSinceStart.contains(room + '\0' + PresenceCodec.fold(nick))) {
            return false;
        }
        return member ? list(room, nick, session) : unlist(room, nick, session);
    }

    /**
     * Ends the start window: every join or leave below the start has been recorded on the presence topic by now, so
     * changes read since the start need no longer be remembered.
     */
    synchronized void closeStartWindow() {
        changedSinceStart = null;
    }

    private void changedLive(String room, String nick) {
        if (changedSinceStart != null) {
            changedSinceStart.add(room + '\0' + PresenceCodec.fold(nick));
            if (changedSinceStart.size() > CHANGES_REMEMBERED) {
                closeStartWindow();
            }
        }
    }

    private boolean list(String room, String nick, String session) {
        if (session != null && endedSessions.contains(session)) {
            return false;
        }
        Map<String, Member> members = rooms.computeIfAbsent(room, r -> new HashMap<>());
        String folded = PresenceCodec.fold(nick);
        Member previous = members.get(folded);
        if (previous != null && Objects.equals(previous.session(), session)) {
            return false;
        }
        members.put(folded, new Member(nick, session));
        if (previous != null) {
            forgetRoomOfSession(previous.session(), room);
        }
        if (session != null) {
            roomsOfSession.computeIfAbsent(session, s -> new HashSet<>()).add(room);
        }
        return previous == null;
    }

    private boolean unlist(String room, String nick, String session) {
        Map<String, Member> members = rooms.get(room);
        String folded = PresenceCodec.fold(nick);
        Member listed = members == null ? null : members.get(folded);
        if (listed == null || (session != null && listed.session() != null && !session.equals(listed.session()))) {
            return false;
        }
        remove(room, folded, listed);
        return true;
    }

    /** A room the session was listed in, with the nick it was listed as. */
    record Membership(String room, String nick) {}

    /** Removes the session from every room it was listed in, and returns those memberships. */
    synchronized List<Membership> end(String session) {
        endedSessions.remove(session);
        endedSessions.addLast(session);
        if (endedSessions.size() > ENDED_REMEMBERED) {
            endedSessions.removeFirst();
        }
        Set<String> listedIn = roomsOfSession.remove(session);
        if (listedIn == null) {
            return List.of();
        }
        List<Membership> removed = new ArrayList<>();
        for (String room : listedIn) {
            Map<String, Member> members = rooms.get(room);
            for (Map.Entry<String, Member> entry : List.copyOf(members.entrySet())) {
                if (session.equals(entry.getValue().session())) {
                    remove(room, entry.getKey(), entry.getValue());
                    removed.add(new Membership(room, entry.getValue().nick()));
                }
            }
        }
        return removed;
    }

    /** The room's members, sorted ignoring case. */
    synchronized List<String> members(String room) {
        Map<String, Member> members = rooms.get(room);
        if (members == null) {
            return List.of();
        }
        List<String> nicks = new ArrayList<>(members.size());
        members.values().forEach(m -> nicks.add(m.nick()));
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    /** Every room with at least one member, by name, with its number of members. */
    synchronized SortedMap<String, Integer> rooms() {
        SortedMap<String, Integer> counts = new TreeMap<>();
        rooms.forEach((room, members) -> counts.put(room, members.size()));
        return counts;
    }

    private void remove(String room, String foldedNick, Member member) {
        Map<String, Member> members = rooms.get(room);
        members.remove(foldedNick);
        if (members.isEmpty()) {
            rooms.remove(room);
        }
        forgetRoomOfSession(member.session(), room);
    }

    private void forgetRoomOfSession(String session, String room) {
        if (session == null) {
            return;
        }
        Set<String> listedIn = roomsOfSession.get(session);
        if (listedIn != null && listedIn.remove(room) && listedIn.isEmpty()) {
            roomsOfSession.remove(session);
        }
    }
}
