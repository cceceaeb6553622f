package chat.gateway.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * A session holding a nick. {@code id} names the session for its whole life: the claim that won the nick, kept
     * when the session resumes elsewhere. {@code sessionHash} is the hash of its secret token; {@code claim} names this
     * holding.
     */
    public record Session(String id, String nick, String claim, String sessionHash, String gateway, String incarnation,
                          Set<String> rooms) {
        public Session {
            rooms = Set.copyOf(rooms);
        }

        Session withRooms(Set<String> newRooms) {
            return new Session(id, nick, claim, sessionHash, gateway, incarnation, newRooms);
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

        /** The session's holder released it: its connection ended. */
        record Released(Session session) implements Change {}

        /** The session's gateway recorded the rooms it is in after the join or leave {@code cause}. */
        record RoomsRecorded(Session session, PresenceRecord.RoomChange cause) implements Change {}
    }

    private record Lease(String gateway, long renewedAt) {}

    private boolean started;
    private long lastAppendTime;
    private long logTime;
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();

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
                    changes.add(new Change.Released(held));
                }
            }
            case PresenceRecord.Rooms r -> {
                Session held = sessions.get(PresenceCodec.fold(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    Session recorded = held.withRooms(Set.copyOf(r.rooms()));
                    remove(held);
                    put(recorded);
                    if (r.cause() != null) {
                        changes.add(new Change.RoomsRecorded(recorded, r.cause()));
                    }
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
            Session won = new Session(c.claim(), c.nick(), c.claim(), c.session(), c.gateway(), c.incarnation(), Set.of());
            put(won);
            return new Change.ClaimDecided(c, Verdict.WON, won, null);
        }
        if (c.proof() != null && c.proof().equals(held.sessionHash())) {
            // The session keeps its token, its rooms and its nick as first written; only the holding moves.
            Session resumed = new Session(held.id(), held.nick(), c.claim(), held.sessionHash(), c.gateway(),
                c.incarnation(), held.rooms());
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
        sessions.put(PresenceCodec.fold(s.nick()), s);
    }

    private void remove(Session s) {
        sessions.remove(PresenceCodec.fold(s.nick()));
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

    /**
     * Every session, in no particular order. Their rooms are as their gateways last recorded them, which may lag the
     * chat topic: a gateway's room membership follows the chat topic (see {@code RoomMembers}).
     */
    public synchronized List<Session> sessions() {
        return List.copyOf(sessions.values());
    }
}
