package chat.gateway.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster's presence as the presence topic's records decide it, applied one by one in the topic's order. It is a
 * pure function of the records and their broker-assigned append times: given the same records, every gateway holds
 * the same sessions, so a nick claimed on two gateways at the same instant goes to the claim the log put first.
 *
 * <p>Leases run on <em>log time</em>: the append times of the records, but with each step between two records counted
 * as at most {@link #MAX_STEP}. Live gateways write a heartbeat every {@link #HEARTBEAT_INTERVAL}, so while any gateway
 * lives, log time follows the clock; a longer silence means the log could not be written (Kafka was down) or nobody
 * was alive, and it must not count against leases, or the first record after a Kafka outage would expire everyone.
 * A gateway's sessions are released when log time passes {@link #LEASE} after its last heartbeat.
 *
 * <p>Thread-safe: one thread applies records while any thread may query; every method holds this object's lock.
 */
public final class PresenceState {
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration LEASE = Duration.ofSeconds(10);
    public static final Duration MAX_STEP = Duration.ofSeconds(4);

    /** A session holding a nick. {@code sessionHash} is the hash of its secret token; {@code claim} names this holding. */
    public record Session(String nick, String claim, String sessionHash, String gateway, String incarnation,
                          Set<String> rooms) {
        public Session {
            rooms = Set.copyOf(rooms);
        }

        Session withRooms(Set<String> newRooms) {
            return new Session(nick, claim, sessionHash, gateway, incarnation, newRooms);
        }
    }

    public enum Verdict {
        /** The nick was free: the claim holds it now. */
        WON,
        /** The claim proved the token of the session holding the nick and took that session over, rooms and all. */
        RESUMED,
        /** Another session holds the nick. */
        TAKEN,
        /** The claiming gateway holds no live lease, so it may not hold sessions. */
        REFUSED
    }

    /** What applying a record changed, for the gateways to act on. */
    public sealed interface Change {
        /** {@code session} is the holder after the claim (for TAKEN the other holder, for REFUSED null); {@code previous} the session a RESUMED claim took over. */
        record ClaimDecided(PresenceRecord.Claim claim, Verdict verdict, Session session, Session previous)
            implements Change {}

        /** A gateway's incarnation ended, by lapsed lease ({@code expired}) or clean stop, and lost these sessions. */
        record GatewayGone(String gateway, String incarnation, boolean expired, List<Session> sessions)
            implements Change {}
    }

    private record Lease(String gateway, long renewedAt) {}

    private boolean started;
    private long lastAppendTime;
    private long logTime;
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Map<String, String>> roomMembers = new HashMap<>();

    /** Applies the next record of the topic, appended by the broker at {@code appendTimeMs}. */
    public synchronized List<Change> apply(long appendTimeMs, PresenceRecord record) {
        List<Change> changes = new ArrayList<>();
        advance(appendTimeMs, changes);
        switch (record) {
            case PresenceRecord.Heartbeat h -> heartbeat(h);
            case PresenceRecord.Stopped s -> {
                if (leases.remove(s.incarnation()) != null) {
                    changes.add(new Change.GatewayGone(s.gateway(), s.incarnation(), false, dropSessionsOf(s.incarnation())));
                }
            }
            case PresenceRecord.Claim c -> changes.add(claim(c));
            case PresenceRecord.Release r -> {
                Session held = sessions.get(PresenceCodec.fold(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    remove(held);
                }
            }
            case PresenceRecord.Rooms r -> {
                Session held = sessions.get(PresenceCodec.fold(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    remove(held);
                    put(held.withRooms(Set.copyOf(r.rooms())));
                }
            }
        }
        return changes;
    }

    private void advance(long appendTimeMs, List<Change> changes) {
        if (started) {
            long step = Math.clamp(appendTimeMs - lastAppendTime, 0, MAX_STEP.toMillis());
            logTime += step;
        }
        started = true;
        lastAppendTime = Math.max(lastAppendTime, appendTimeMs);
        for (Iterator<Map.Entry<String, Lease>> it = leases.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Lease> lease = it.next();
            if (logTime - lease.getValue().renewedAt() > LEASE.toMillis()) {
                it.remove();
                changes.add(new Change.GatewayGone(lease.getValue().gateway(), lease.getKey(), true,
                    dropSessionsOf(lease.getKey())));
            }
        }
    }

    private void heartbeat(PresenceRecord.Heartbeat h) {
        if (leases.containsKey(h.incarnation()) || h.start()) {
            leases.put(h.incarnation(), new Lease(h.gateway(), logTime));
        }
    }

    private Change claim(PresenceRecord.Claim c) {
        if (!leases.containsKey(c.incarnation())) {
            return new Change.ClaimDecided(c, Verdict.REFUSED, null, null);
        }
        Session held = sessions.get(PresenceCodec.fold(c.nick()));
        if (held == null) {
            Session won = new Session(c.nick(), c.claim(), c.session(), c.gateway(), c.incarnation(), Set.of());
            put(won);
            return new Change.ClaimDecided(c, Verdict.WON, won, null);
        }
        if (c.proof() != null && c.proof().equals(held.sessionHash())) {
            // The session keeps its token, its rooms and its nick as first written; only the holding moves.
            Session resumed = new Session(held.nick(), c.claim(), held.sessionHash(), c.gateway(), c.incarnation(),
                held.rooms());
            remove(held);
            put(resumed);
            return new Change.ClaimDecided(c, Verdict.RESUMED, resumed, held);
        }
        return new Change.ClaimDecided(c, Verdict.TAKEN, held, null);
    }

    private List<Session> dropSessionsOf(String incarnation) {
        List<Session> dropped = new ArrayList<>();
        for (Session s : List.copyOf(sessions.values())) {
            if (s.incarnation().equals(incarnation)) {
                remove(s);
                dropped.add(s);
            }
        }
        return dropped;
    }

    private void put(Session s) {
        String folded = PresenceCodec.fold(s.nick());
        sessions.put(folded, s);
        for (String room : s.rooms()) {
            roomMembers.computeIfAbsent(room, r -> new HashMap<>()).put(folded, s.nick());
        }
    }

    private void remove(Session s) {
        String folded = PresenceCodec.fold(s.nick());
        sessions.remove(folded);
        for (String room : s.rooms()) {
            Map<String, String> members = roomMembers.get(room);
            if (members != null) {
                members.remove(folded);
                if (members.isEmpty()) {
                    roomMembers.remove(room);
                }
            }
        }
    }

    // ---- queries ----

    /** Whether the incarnation holds a live lease. */
    public synchronized boolean isLive(String incarnation) {
        return leases.containsKey(incarnation);
    }

    /** The session holding the nick (compared ignoring case), or null. */
    public synchronized Session session(String nick) {
        return sessions.get(PresenceCodec.fold(nick));
    }

    /** The room's members, sorted ignoring case. */
    public synchronized List<String> members(String room) {
        Map<String, String> members = roomMembers.get(room);
        if (members == null) {
            return List.of();
        }
        List<String> nicks = new ArrayList<>(members.values());
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        return nicks;
    }

    /** Every room with at least one member, by name, with its number of members. */
    public synchronized SortedMap<String, Integer> rooms() {
        SortedMap<String, Integer> rooms = new TreeMap<>();
        roomMembers.forEach((room, members) -> rooms.put(room, members.size()));
        return rooms;
    }
}
