package chat.gateway.presence;

import chat.protocol.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Accounts are decided here too, in the same order as the claims: the first registration of a nick in the log owns
 * it, and a claim of a registered nick holds it only when its gateway signed the client in to that very account, so
 * every gateway agrees on who may hold a nick, whatever raced with what.
 *
 * <p>Its whole state can be taken as a {@link Snapshot} and restored into a fresh state: restored, and given the records
 * that followed, it holds what applying every record from the first would, and reports the same changes in the same
 * order. So the order of the changes one record makes depends on what the state holds only, never on the order in
 * which it came to hold it: leases expire in the order of their incarnations, and a gateway's sessions are listed in
 * the order of their nicks.
 *
 * <p>Thread-safe: one thread applies records while any thread may query; every method holds this object's lock.
 */
public final class PresenceState {
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration LEASE = Duration.ofSeconds(10);
    public static final Duration MAX_STEP = Duration.ofSeconds(4);
    /**
     * How long, in log time, the token of an account's session that its gateway lost (died or stopped) still signs in
     * to the account. Thousands of clients whose gateways all died come back with their tokens, and none of them
     * waits for a password hash; a token that leaked is worth nothing once this has passed, once the account signed in
     * with its password or a signed token, or once its password was reset.
     */
    public static final Duration LAPSED_SIGN_IN = Duration.ofMinutes(10);

    /**
     * A session holding a nick. {@code id} names the session for its whole life: the claim that won the nick, kept
     * when the session resumes elsewhere. {@code sessionHash} is the hash of its secret token; {@code claim} names this
     * holding.
     */
    public record Session(String id, String nick, String claim, String sessionHash, String gateway, String incarnation,
                          Set<String> rooms, String account) {
        public Session {
            rooms = Set.copyOf(rooms);
        }

        Session withRooms(Set<String> newRooms) {
            return new Session(id, nick, claim, sessionHash, gateway, incarnation, newRooms, account);
        }

        Session withAccount(String newAccount) {
            return new Session(id, nick, claim, sessionHash, gateway, incarnation, rooms, newAccount);
        }
    }

    /**
     * A registered nick: {@code id} names the account for its whole life (a new registration of the same nick is a
     * new account); {@code credential} is the Argon2id hash of its password, null for an account of tokens only.
     * {@code lapsed} is the account's last session when its gateway lost it, or null.
     */
    public record Account(String id, String nick, String credential, Lapsed lapsed) {
        public Account(String id, String nick, String credential) {
            this(id, nick, credential, null);
        }

        Account withLapsed(Lapsed newLapsed) {
            return new Account(id, nick, credential, newLapsed);
        }

        @Override
        public String toString() {
            return "Account[id=" + id + ", nick=" + nick + "]";
        }
    }

    /**
     * The hash of the token of an account's session that its gateway lost (lease lapsed, or stopped), and the log time
     * when it did: the token signs in to the account for {@link #LAPSED_SIGN_IN} after.
     */
    public record Lapsed(String sessionHash, long at) {}

    public enum Verdict {
        /** The nick was free: the claim holds it now. */
        WON,
        /** The claim proved the token of the session holding the nick and took that session over, rooms and all. */
        RESUMED,
        /**
         * The claim was signed in to the account whose session holds the nick, and took that session over, rooms and
         * all, under the claim's new token: the owner gets its nick back from a connection it lost.
         */
        REGAINED,
        /** Another session holds the nick. */
        TAKEN,
        /** The claiming gateway holds no live lease, so it may not hold sessions. */
        REFUSED,
        /** The nick is registered to an account, and the claim was not signed in to it. */
        REGISTERED,
        /** The claim was signed in to an account that no longer owns the nick (removed, or registered anew). */
        STALE_ACCOUNT
    }

    /** What applying a record changed, for the gateways to act on. */
    public sealed interface Change {
        /**
         * {@code session} is the holder after the claim (for TAKEN the other holder, for REFUSED null); {@code previous}
         * the session a RESUMED or REGAINED claim took over.
         */
        record ClaimDecided(PresenceRecord.Claim claim, Verdict verdict, Session session, Session previous)
            implements Change {}

        /** A gateway's incarnation ended, by lapsed lease ({@code expired}) or clean stop, and lost these sessions. */
        record GatewayGone(String gateway, String incarnation, boolean expired, List<Session> sessions)
            implements Change {}

        /** The session's holder released it: its connection ended. */
        record Released(Session session) implements Change {}

        /** The session's gateway recorded the rooms it is in after the join or leave {@code cause}. */
        record RoomsRecorded(Session session, PresenceRecord.RoomChange cause) implements Change {}

        /**
         * A registration was decided: {@code account} owns the nick now, or, when {@code accepted} is false, the nick
         * was registered already or the asking session no longer held it. {@code signedIn} is the asking session, now
         * signed in to the new account.
         */
        record RegistrationDecided(PresenceRecord.Register register, boolean accepted, Account account, Session signedIn)
            implements Change {}

        /** The session ended because its nick's account changed under it: registered by another, reset or removed. */
        record Revoked(Session session) implements Change {}
    }

    /**
     * The lease of a gateway's incarnation: renewed by its heartbeats at {@code renewedAt}, registered by its start
     * heartbeat at {@code registeredAt}, both in log time.
     */
    public record Lease(String incarnation, String gateway, long renewedAt, long registeredAt) {}

    /**
     * The whole state after some records: everything that decides what the next record does. Sessions, accounts and
     * leases are listed in a fixed order (nicks folded, incarnations), so two states alike give equal snapshots.
     * Accounts carry their credentials' hashes, as the records did; no secret is in it.
     */
    public record Snapshot(boolean started, long lastAppendTime, long logTime, List<Lease> leases,
                           List<Session> sessions, List<Account> accounts) {
        public Snapshot {
            leases = List.copyOf(leases);
            sessions = List.copyOf(sessions);
            accounts = List.copyOf(accounts);
        }
    }

    private boolean started;
    private long lastAppendTime;
    private long logTime;
    /** By incarnation, in order: leases that lapse together expire in that order on every gateway. */
    private final Map<String, Lease> leases = new TreeMap<>();
    private static final Comparator<Session> BY_NICK = Comparator.comparing(s -> Limits.foldNick(s.nick()));

    private final Map<String, Session> sessions = new HashMap<>();
    /** Registered nicks, by folded nick. */
    private final Map<String, Account> accounts = new HashMap<>();

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
                Session held = sessions.get(Limits.foldNick(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    remove(held);
                    changes.add(new Change.Released(held));
                }
            }
            case PresenceRecord.Register r -> register(r, changes);
            case PresenceRecord.Passwd p -> {
                Account account = accounts.get(Limits.foldNick(p.nick()));
                if (account != null && account.id().equals(p.account())) {
                    accounts.put(Limits.foldNick(p.nick()), new Account(account.id(), account.nick(), p.credential()));
                    // A reset is what an owner does when the password leaked: whoever signed in with it is out.
                    revoke(Limits.foldNick(p.nick()), changes);
                }
            }
            case PresenceRecord.Unregister u -> {
                Account account = accounts.get(Limits.foldNick(u.nick()));
                if (account != null && account.id().equals(u.account())) {
                    accounts.remove(Limits.foldNick(u.nick()));
                    revoke(Limits.foldNick(u.nick()), changes);
                }
            }
            case PresenceRecord.Rooms r -> {
                Session held = sessions.get(Limits.foldNick(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    Session recorded = held.withRooms(Set.copyOf(r.rooms()));
                    put(recorded);
                    if (r.cause() != null) {
                        changes.add(new Change.RoomsRecorded(recorded, r.cause()));
                    }
                }
            }
            case PresenceRecord.Room r -> {
                Session held = sessions.get(Limits.foldNick(r.nick()));
                if (held != null && held.claim().equals(r.claim())) {
                    Set<String> rooms = new HashSet<>(held.rooms());
                    if (r.member()) {
                        rooms.add(r.change().room());
                    } else {
                        rooms.remove(r.change().room());
                    }
                    Session recorded = held.withRooms(rooms);
                    put(recorded);
                    changes.add(new Change.RoomsRecorded(recorded, r.change()));
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
        for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
            Lease lease = it.next();
            if (logTime - lease.renewedAt() > LEASE.toMillis()) {
                it.remove();
                changes.add(new Change.GatewayGone(lease.gateway(), lease.incarnation(), true,
                    dropSessionsOf(lease.incarnation())));
            }
        }
    }

    private void heartbeat(PresenceRecord.Heartbeat h) {
        Lease held = leases.get(h.incarnation());
        if (held != null) {
            leases.put(h.incarnation(), new Lease(h.incarnation(), h.gateway(), logTime, held.registeredAt()));
        } else if (h.start()) {
            leases.put(h.incarnation(), new Lease(h.incarnation(), h.gateway(), logTime, logTime));
        }
    }

    private Change claim(PresenceRecord.Claim c) {
        if (!leases.containsKey(c.incarnation())) {
            return new Change.ClaimDecided(c, Verdict.REFUSED, null, null);
        }
        Session held = sessions.get(Limits.foldNick(c.nick()));
        if (held != null && c.proof() != null && c.proof().equals(held.sessionHash())) {
            // The session keeps its token, its rooms, its account and its nick as first written; only the holding moves.
            Session resumed = new Session(held.id(), held.nick(), c.claim(), held.sessionHash(), c.gateway(),
                c.incarnation(), held.rooms(), held.account());
            remove(held);
            put(resumed);
            return new Change.ClaimDecided(c, Verdict.RESUMED, resumed, held);
        }
        Account account = accounts.get(Limits.foldNick(c.nick()));
        if (c.account() != null && (account == null || !account.id().equals(c.account()))) {
            return new Change.ClaimDecided(c, Verdict.STALE_ACCOUNT, held, null);
        }
        String signedIn = c.account() != null ? c.account() : signedInByLapsedToken(c, account);
        if (c.account() != null && account.lapsed() != null) {
            // The owner proved itself anew: the lost session's token is no proof any more.
            accounts.put(Limits.foldNick(account.nick()), account.withLapsed(null));
        }
        if (held != null && signedIn != null && signedIn.equals(held.account())) {
            Session regained = new Session(held.id(), held.nick(), c.claim(), c.session(), c.gateway(), c.incarnation(),
                held.rooms(), held.account());
            remove(held);
            put(regained);
            return new Change.ClaimDecided(c, Verdict.REGAINED, regained, held);
        }
        if (account != null && signedIn == null) {
            return new Change.ClaimDecided(c, Verdict.REGISTERED, held, null);
        }
        if (held == null) {
            Session won = new Session(c.claim(), c.nick(), c.claim(), c.session(), c.gateway(), c.incarnation(), Set.of(),
                signedIn);
            put(won);
            return new Change.ClaimDecided(c, Verdict.WON, won, null);
        }
        return new Change.ClaimDecided(c, Verdict.TAKEN, held, null);
    }

    /**
     * The account whose lost session's token the claim proves, while that token still signs in; else null. The
     * session itself is gone (its rooms were left for it), so the claim makes a new one, or regains the one an earlier
     * claim of the same token made: a client may have given up on a gateway's answer, and said hello on another.
     */
    private String signedInByLapsedToken(PresenceRecord.Claim c, Account account) {
        if (account == null || account.lapsed() == null || c.proof() == null) {
            return null;
        }
        boolean recent = logTime - account.lapsed().at() <= LAPSED_SIGN_IN.toMillis();
        return recent && c.proof().equals(account.lapsed().sessionHash()) ? account.id() : null;
    }

    private void register(PresenceRecord.Register r, List<Change> changes) {
        String folded = Limits.foldNick(r.nick());
        Session held = sessions.get(folded);
        boolean askerHolds = r.claim() == null || (held != null && held.claim().equals(r.claim()));
        if (accounts.containsKey(folded) || !askerHolds) {
            changes.add(new Change.RegistrationDecided(r, false, accounts.get(folded), null));
            return;
        }
        Account account = new Account(r.account(), r.nick(), r.credential());
        accounts.put(folded, account);
        Session signedIn = null;
        if (r.claim() != null) {
            signedIn = held.withAccount(account.id());
            remove(held);
            put(signedIn);
        } else {
            // Registered over the head of whoever holds the nick as a guest: the nick is the account's now.
            revoke(folded, changes);
        }
        changes.add(new Change.RegistrationDecided(r, true, account, signedIn));
    }

    private void revoke(String foldedNick, List<Change> changes) {
        Session held = sessions.remove(foldedNick);
        if (held != null) {
            changes.add(new Change.Revoked(held));
        }
    }

    private List<Session> dropSessionsOf(String incarnation) {
        List<Session> dropped = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (s.incarnation().equals(incarnation)) {
                dropped.add(s);
            }
        }
        dropped.sort(BY_NICK);
        dropped.forEach(this::remove);
        for (Session s : dropped) {
            Account account = s.account() == null ? null : accounts.get(Limits.foldNick(s.nick()));
            if (account != null && account.id().equals(s.account())) {
                accounts.put(Limits.foldNick(s.nick()), account.withLapsed(new Lapsed(s.sessionHash(), logTime)));
            }
        }
        return dropped;
    }

    private void put(Session s) {
        sessions.put(Limits.foldNick(s.nick()), s);
    }

    private void remove(Session s) {
        sessions.remove(Limits.foldNick(s.nick()));
    }

    // ---- queries ----

    /** Whether the incarnation holds a live lease. */
    public synchronized boolean isLive(String incarnation) {
        return leases.containsKey(incarnation);
    }

    /** The account the nick is registered to (compared ignoring case), or null. */
    public synchronized Account account(String nick) {
        return accounts.get(Limits.foldNick(nick));
    }

    /** The session holding the nick (compared ignoring case), or null. */
    public synchronized Session session(String nick) {
        return sessions.get(Limits.foldNick(nick));
    }

    /**
     * Every session, in no particular order. Their rooms are as their gateways last recorded them, which may lag the
     * chat topic: a gateway's room membership follows the chat topic (see {@code RoomMembers}).
     */
    public synchronized List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Log time now: see {@link PresenceState}. */
    public synchronized long logTime() {
        return logTime;
    }

    /**
     * The live incarnation registered first (the lower incarnation when two registered at one log time), or null when
     * none is live: one gateway that every gateway names alike, from the records alone.
     */
    public synchronized String eldestLiveIncarnation() {
        return leases.values().stream()
            .min(Comparator.comparingLong(Lease::registeredAt).thenComparing(Lease::incarnation))
            .map(Lease::incarnation).orElse(null);
    }

    // ---- snapshots ----

    /** The whole state as it is now. */
    public synchronized Snapshot snapshot() {
        List<Session> allSessions = new ArrayList<>(sessions.values());
        allSessions.sort(BY_NICK);
        List<Account> allAccounts = new ArrayList<>(accounts.values());
        allAccounts.sort(Comparator.comparing(a -> Limits.foldNick(a.nick())));
        return new Snapshot(started, lastAppendTime, logTime, List.copyOf(leases.values()), allSessions, allAccounts);
    }

    /**
     * Makes this state the one {@code snapshot} was taken of.
     *
     * @throws IllegalStateException when this state has applied a record or been restored already
     */
    public synchronized void restore(Snapshot snapshot) {
        if (started || !leases.isEmpty() || !sessions.isEmpty() || !accounts.isEmpty()) {
            throw new IllegalStateException("a snapshot is restored into a fresh state only");
        }
        started = snapshot.started();
        lastAppendTime = snapshot.lastAppendTime();
        logTime = snapshot.logTime();
        snapshot.leases().forEach(lease -> leases.put(lease.incarnation(), lease));
        snapshot.sessions().forEach(this::put);
        snapshot.accounts().forEach(account -> accounts.put(Limits.foldNick(account.nick()), account));
    }
}
