package chat.gateway;

import chat.gateway.presence.PresenceState;
import chat.protocol.Limits;
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
import java.util.function.ToLongFunction;

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
 * <p>A room of more than the announce limit's members is <em>quiet</em>: its joins and leaves are no longer told to its
 * members one by one, since in a room of thousands that would cost the square of its size. It is announced again once
 * it is back to half the limit, and its members are then sent the whole list, so a client's list is right again
 * whenever the room is announced. The two thresholds apart keep a room that hovers at the limit from resending its
 * list at every change.
 *
 * <p>Each room also knows where its newest message is, from the time it was first listed here on: a replay asks
 * ({@link #noMessagesBetween}) whether the history can hold anything it has not fetched already.
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

    /** What a join or leave did to its room's list, and so what the room's local members are to be told. */
    enum Effect {
        /** Nothing changed. */
        NONE,
        /** The nick was listed or unlisted, and the room is announced: tell its members. */
        ANNOUNCED,
        /** The nick was listed or unlisted in a quiet room: nobody is told. */
        SILENT,
        /** The room grew past the limit with this change and is quiet from now on: its members get its first page. */
        WENT_QUIET,
        /** The room shrank to half the limit with this change and is announced again: its members get the whole list. */
        ANNOUNCED_AGAIN;

        boolean changed() {
            return this != NONE;
        }
    }

    /** A page of a room's members, sorted ignoring case, out of {@code count}; {@code more} when later ones exist. */
    record Page(List<String> nicks, int count, boolean quiet, boolean more) {}

    /** A nick listed in a room, and the session whose join put it there (null for a join written without one). */
    private record Member(String nick, String session) {}

    private static final class Room {
        /** Folded nick to member: in the order pages list them. */
        final TreeMap<String, Member> members = new TreeMap<>();
        /** Every message of the room at or above this seq has been read here. */
        final long trackedFrom;
        /** The newest message read since {@link #trackedFrom}, or -1. */
        long newestMessage = -1;
        boolean quiet;

        Room(long trackedFrom) {
            this.trackedFrom = trackedFrom;
        }
    }

    private final int announceLimit;
    private final Map<String, Room> rooms = new HashMap<>();
    /** Session id to the rooms it is listed in, so an ended session is removed without a scan of every room. */
    private final Map<String, Set<String>> roomsOfSession = new HashMap<>();
    private final SequencedSet<String> endedSessions = new LinkedHashSet<>();
    /** While the start window is open: each room and folded nick a live join or leave changed since the start. */
    private Set<String> changedSinceStart = new HashSet<>();

    /** {@code announceLimit}: a room of more members than this is quiet. */
    RoomMembers(int announceLimit) {
        this.announceLimit = announceLimit;
    }

    /**
     * Lists the rooms the presence topic records for each session; for a gateway that starts. {@code startOf} gives
     * the seq where the fan-out starts reading a room's partition.
     */
    synchronized void seed(List<PresenceState.Session> sessions, ToLongFunction<String> startOf) {
        for (PresenceState.Session session : sessions) {
            for (String room : session.rooms()) {
                list(room, session.nick(), session.id(), startOf.applyAsLong(room));
            }
        }
        rooms.values().forEach(room -> room.quiet = room.members.size() > announceLimit);
    }

    /** The join at {@code seq}; a join of an ended session changes nothing. */
    synchronized Effect join(String room, String nick, String session, long seq) {
        changedLive(room, nick);
        return list(room, nick, session, seq);
    }

    /**
     * The leave at {@code seq}. A leave of another session than the one listed (an earlier session's leave, read after
     * the nick came back) changes nothing.
     */
    synchronized Effect leave(String room, String nick, String session) {
        changedLive(room, nick);
        return unlist(room, nick, session);
    }

    /** A message of the room at {@code seq}, read in the order of its partition. */
    synchronized void messageRead(String room, long seq) {
        Room r = rooms.get(room);
        if (r != null) {
            r.newestMessage = seq;
        }
    }

    /**
     * Whether the room is known to have no message at or above {@code from}: it has been tracked since at most
     * {@code from} and its newest message read is below it. False when unknown. Asked with {@code from} below where
     * the fan-out has read the room's partition to, this says that the history holds nothing of the room from
     * {@code from} up to there.
     */
    synchronized boolean noMessagesSince(String room, long from) {
        Room r = rooms.get(room);
        return r != null && from >= r.trackedFrom && r.newestMessage < from;
    }

    /**
     * A change the presence topic recorded for a join or leave that the fan-out never read, because it lies below
     * where the fan-out started ({@code start}): the session's gateway had not yet recorded it when this gateway
     * replayed the presence topic. It counts unless a join or leave read since the start changed the same room and
     * nick (which is newer), and only while the start window is open.
     */
    synchronized Effect recordedBeforeStart(String room, String nick, String session, boolean member, long start) {
        if (changedSinceStart == null || changedSinceStart.contains(membership(room, nick))) {
            return Effect.NONE;
        }
        return member ? list(room, nick, session, start) : unlist(room, nick, session);
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
            changedSinceStart.add(membership(room, nick));
            if (changedSinceStart.size() > CHANGES_REMEMBERED) {
                closeStartWindow();
            }
        }
    }

    /** A room and a nick as one value, the nick as nicks compare. */
    private static String membership(String room, String nick) {
        return room + '\0' + Limits.foldNick(nick);
    }

    /** {@code seq}: from where the room's messages are tracked, if this lists its first member. */
    private Effect list(String room, String nick, String session, long seq) {
        if (session != null && endedSessions.contains(session)) {
            return Effect.NONE;
        }
        Room r = rooms.computeIfAbsent(room, name -> new Room(seq));
        String folded = Limits.foldNick(nick);
        Member previous = r.members.get(folded);
        if (previous != null && Objects.equals(previous.session(), session)) {
            return Effect.NONE;
        }
        r.members.put(folded, new Member(nick, session));
        if (previous != null) {
            forgetRoomOfSession(previous.session(), room);
        }
        if (session != null) {
            roomsOfSession.computeIfAbsent(session, s -> new HashSet<>()).add(room);
        }
        if (previous != null) {
            return Effect.NONE;
        }
        if (!r.quiet && r.members.size() > announceLimit) {
            r.quiet = true;
            return Effect.WENT_QUIET;
        }
        return r.quiet ? Effect.SILENT : Effect.ANNOUNCED;
    }

    private Effect unlist(String room, String nick, String session) {
        Room r = rooms.get(room);
        String folded = Limits.foldNick(nick);
        Member listed = r == null ? null : r.members.get(folded);
        if (listed == null || (session != null && listed.session() != null && !session.equals(listed.session()))) {
            return Effect.NONE;
        }
        return remove(room, r, folded, listed);
    }

    /** A room the session was listed in, with the nick it was listed as, and what its removal did to the room. */
    record Membership(String room, String nick, Effect effect) {}

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
            Room r = rooms.get(room);
            // Copied out first: a tree's removal may move another entry's key and value into the removed node.
            List<Member> listed = r.members.values().stream().filter(m -> session.equals(m.session())).toList();
            for (Member member : listed) {
                Effect effect = remove(room, r, Limits.foldNick(member.nick()), member);
                removed.add(new Membership(room, member.nick(), effect));
            }
        }
        return removed;
    }

    /** The room's members, sorted ignoring case. */
    synchronized List<String> members(String room) {
        return page(room, null, Integer.MAX_VALUE).nicks();
    }

    /** At most {@code limit} of the room's members, sorted ignoring case, from after the nick {@code after} (or the first). */
    synchronized Page page(String room, String after, int limit) {
        Room r = rooms.get(room);
        if (r == null) {
            return new Page(List.of(), 0, false, false);
        }
        SortedMap<String, Member> from = after == null ? r.members : r.members.tailMap(Limits.foldNick(after), false);
        List<String> nicks = new ArrayList<>(Math.min(limit, from.size()));
        for (Member m : from.values()) {
            if (nicks.size() == limit) {
                return new Page(nicks, r.members.size(), r.quiet, true);
            }
            nicks.add(m.nick());
        }
        return new Page(nicks, r.members.size(), r.quiet, false);
    }

    /** Every room with at least one member, by name, with its number of members. */
    synchronized SortedMap<String, Integer> rooms() {
        SortedMap<String, Integer> counts = new TreeMap<>();
        rooms.forEach((name, room) -> counts.put(name, room.members.size()));
        return counts;
    }

    private Effect remove(String room, Room r, String foldedNick, Member member) {
        r.members.remove(foldedNick);
        forgetRoomOfSession(member.session(), room);
        if (r.members.isEmpty()) {
            rooms.remove(room);
        }
        if (r.quiet && r.members.size() <= announceLimit / 2) {
            r.quiet = false;
            return Effect.ANNOUNCED_AGAIN;
        }
        return r.quiet ? Effect.SILENT : Effect.ANNOUNCED;
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
