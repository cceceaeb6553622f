package chat.gateway;

import chat.admin.MalformedRecords;
import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.gateway.presence.PresenceState;
import chat.gateway.presence.PresenceState.Change;
import chat.gateway.presence.SnapshotCodec;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.runtime.Freshness;
import chat.runtime.KafkaFollower;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway's part in cluster-wide presence. It writes claims, releases, memberships and heartbeats to the
 * presence topic, restores the newest snapshot of the presence state at start-up and replays the records after it
 * ({@link PresenceReplay}), and then follows the topic on one thread that applies each record to the
 * {@link PresenceState} and acts on what changed for this gateway: it answers {@code hello} once the claim is
 * decided, closes a connection whose session was resumed elsewhere, hands the sessions that ended to the fan-out
 * (which shows them leaving their rooms), and closes its own sessions if its lease lapsed. Registrations of accounts
 * travel the same way and are decided in the same order as the claims. While this gateway is the cluster's eldest, that
 * thread also takes a snapshot of the state every so many records and hands it to the {@link SnapshotWriter}. That
 * thread only queues frames; it never touches a socket. A heartbeat thread of its own writes a heartbeat every
 * {@link PresenceState#HEARTBEAT_INTERVAL}, and the release of an abandoned claim runs as a task of the gateway's
 * {@link Time}, whose readings are the only time this class measures. Thread-safe.
 */
final class ClusterPresence implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterPresence.class);
    /**
     * How long a session whose claim's connection closed before its answer waits for its client to take it up on
     * another gateway: longer than the terminal client waits for a welcome and then for the next gateway.
     */
    static final Duration ABANDONED_CLAIM_LINGER = Duration.ofSeconds(30);

    /**
     * A hello waiting for its claim to be decided, with both tokens the welcome may carry. {@code guestAllowed} is false
     * where this gateway admits signed-in accounts only.
     */
    private record PendingClaim(Connection connection, String newToken, String presentedToken, String ref,
                                boolean guestAllowed) {}

    private final String gatewayId;
    private final String topic;
    private final Sessions sessions;
    private final LocalRooms localRooms;
    private final SessionTokens tokens;
    /** Tells of the records of the presence topic that are not records as a gateway writes them, which change nothing. */
    private final MalformedRecords malformed;
    private final PresenceState state = new PresenceState();
    private final KafkaProducer<byte[], byte[]> producer;
    private final String kafka;
    private final String snapshotReaderId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SnapshotWriter snapshots;
    private final int snapshotEvery;
    /** When the next snapshot is due; set at start, then the follower thread's. */
    private SnapshotSchedule snapshotSchedule;
    /** Every record below this offset is applied to the state; the follower thread's. */
    private long applied;
    /** How this gateway's state was brought up to the topic's end at start-up. */
    private volatile PresenceReplay.Replayed replayed;
    private final Map<String, PendingClaim> pendingClaims = new ConcurrentHashMap<>();
    private final RoomRecords roomRecords = new RoomRecords();
    /** Registrations written and not yet read back, by the new account's id: what to do with the decision. */
    private final Map<String, Consumer<Change.RegistrationDecided>> pendingRegistrations = new ConcurrentHashMap<>();
    private final CountDownLatch registered = new CountDownLatch(1);
    private final KafkaFollower follower;
    private final Thread heartbeat;
    private volatile String incarnation;
    private volatile Consumer<RoomMembers.News> news = n -> { };
    private volatile Consumer<Connection> inboxes = c -> { };
    private volatile boolean running = true;
    private final Time time;
    /**
     * Whether Kafka took one of this gateway's heartbeats within a lease: the lease read from the presence topic does
     * not run down while Kafka is unreachable (no log time passes), so this is how a gateway cut off from Kafka tells
     * that the others will count its sessions as lost. The start counts as a heartbeat taken.
     */
    private final Freshness heartbeatsTaken;

    ClusterPresence(GatewayConfig config, Sessions sessions, LocalRooms localRooms, SessionTokens tokens,
                    MalformedRecords malformed, Time time) {
        this.malformed = malformed;
        this.time = time;
        this.heartbeatsTaken = new Freshness(time, PresenceState.LEASE);
        this.gatewayId = config.gatewayId();
        this.topic = config.presenceTopic();
        this.sessions = sessions;
        this.localRooms = localRooms;
        this.tokens = tokens;
        this.incarnation = tokens.newToken();

        // Presence records are small and few: compressing them would cost more than it saves.
        this.producer = KafkaClients.producer(config, "presence", "none");
        this.kafka = config.kafkaBootstrapServers();
        this.snapshotReaderId = KafkaClients.clientId(config, "snapshot-reader");
        this.consumer = PresenceReplay.consumer(kafka, KafkaClients.clientId(config, "presence"));
        this.snapshots = new SnapshotWriter(config);
        this.snapshotEvery = config.presenceSnapshotEvery();

        this.follower = KafkaFollower.polling("presence-" + gatewayId, consumer, Duration.ofMillis(500), this::follow, time);
        this.heartbeat = Thread.ofVirtual().name("heartbeat-" + gatewayId).unstarted(this::beat);
    }

    /**
     * Restores the newest snapshot and replays the topic from it, then registers this gateway and returns once its
     * lease is live. From then on {@code news} hears of every session that ends (released, or lost with its gateway)
     * and of every recorded change of a session's rooms, and {@code inboxes} of every connection welcomed here to a
     * session of an account (new, resumed or regained), whose waiting direct messages are then to be delivered.
     */
    void start(Duration patience, Consumer<RoomMembers.News> news, Consumer<Connection> inboxes)
        throws InterruptedException {
        this.news = news;
        this.inboxes = inboxes;
        long started = time.nanoTime();
        // Nothing of this run is in the log yet, so what the replay changes concerns no connection of ours.
        replayed = PresenceReplay.replay(kafka, snapshotReaderId, consumer, topic, state, patience, malformed);
        log.info("gateway {} {} and replayed {} presence records, to offset {}, in {} ms", gatewayId,
            replayed.fromSnapshot() ? "restored the presence snapshot at offset " + replayed.from() : "had no snapshot",
            replayed.records(), replayed.to(), (time.nanoTime() - started) / 1_000_000);
        applied = replayed.to();
        snapshotSchedule = new SnapshotSchedule(snapshotEvery, replayed.from(), state.logTime());
        follower.start();
        heartbeat.start();
        if (!registered.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the presence topic " + topic + " did not register this gateway within " + patience);
        }
    }

    /**
     * Whether this gateway can hold sessions: its lease, as last read from the presence topic, is live, and Kafka took
     * one of its heartbeats within a lease. While Kafka is unreachable the lease read from the log does not run down
     * (no log time passes), so the heartbeats written tell what the log cannot.
     */
    boolean leaseLive() {
        return running && state.isLive(incarnation) && heartbeatsTaken.fresh();
    }

    PresenceState state() {
        return state;
    }

    /** How the state was brought up to the topic's end at start-up; null before. */
    PresenceReplay.Replayed replayed() {
        return replayed;
    }

    // ---- written by connections ----

    /**
     * Writes the claim of a hello, signed in to {@code account} (null for a guest); the welcome or an error follows once
     * the log decides it.
     */
    void claim(Connection c, ClientFrame.Hello hello, String account, boolean guestAllowed) {
        String current = incarnation;
        if (!state.isLive(current)) {
            c.send(new ServerFrame.Error(ErrorCode.UNAVAILABLE,
                "this gateway is not registered with the cluster right now; try again or another gateway", hello.ref()));
            c.clusterAnswered();
            return;
        }
        String newToken = tokens.newToken();
        String claimId = tokens.newToken();
        String proof = hello.session() == null ? null : SessionTokens.hash(hello.session());
        pendingClaims.put(claimId, new PendingClaim(c, newToken, hello.session(), hello.ref(), guestAllowed));
        publish(new PresenceRecord.Claim(hello.nick(), claimId, SessionTokens.hash(newToken), proof, gatewayId, current,
                account),
            failure -> {
                if (pendingClaims.remove(claimId) != null) {
                    c.send(new ServerFrame.Error(ErrorCode.UNAVAILABLE,
                        "Kafka did not take the claim in time; the nick is not yours yet, say hello again", hello.ref()));
                    c.clusterAnswered();
                }
            });
    }

    /**
     * Registers the nick the connection holds to a new account; {@code registered} or {@code nick_registered} follows
     * once the log decides it. {@code credential} is the password's hash.
     */
    void register(Connection c, String account, String credential, String ref) {
        pendingRegistrations.put(account, decided -> {
            if (decided.accepted() && decided.signedIn() != null && decided.signedIn().claim().equals(c.claimId())) {
                c.signedIn(account);
                c.send(new ServerFrame.Registered(decided.signedIn().nick(), ref));
            } else {
                c.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, c.nick() + " is registered already", ref));
            }
            c.clusterAnswered();
        });
        publish(new PresenceRecord.Register(c.nick(), account, credential, c.claimId()), failure -> {
            if (pendingRegistrations.remove(account) != null) {
                c.send(new ServerFrame.Error(ErrorCode.UNAVAILABLE,
                    "Kafka did not take the registration in time; nothing is registered, try again", ref));
                c.clusterAnswered();
            }
        });
    }

    /**
     * Registers {@code nick} to a new account that signs in with tokens only, as a token's first sign-in does, and
     * returns the account that owns the nick once the log decided: the new one, or one registered first.
     */
    CompletableFuture<PresenceState.Account> registerForTokens(String nick, String account) {
        CompletableFuture<PresenceState.Account> owner = new CompletableFuture<>();
        pendingRegistrations.put(account, decided -> owner.complete(decided.account()));
        publish(new PresenceRecord.Register(nick, account, null, null), failure -> {
            pendingRegistrations.remove(account);
            owner.completeExceptionally(failure);
        });
        return owner;
    }

    /**
     * Records the connection's join or leave of {@code room} at {@code seq}, once the connection entered or left the
     * room. Called by the fan-out thread only, so records keep order.
     */
    void publishRooms(Connection c, String room, long seq) {
        String nick = c.nick();
        String claimId = c.claimId();
        if (nick != null) {
            publish(roomRecords.afterChange(nick, claimId, c.rooms(), room, seq), failure -> roomRecords.lost(claimId));
        }
    }

    /** Ends the connection's session cluster-wide. */
    void release(String nick, String claimId) {
        release(nick, claimId, () -> { });
    }

    /**
     * Ends the session after {@link #ABANDONED_CLAIM_LINGER}, unless its client took it up on another gateway meanwhile:
     * for a connection that closed before its client heard the answer to its hello. Most likely the client gave up
     * waiting and says hello on another gateway, with its token or its account's credentials; the session waits there
     * for it, rooms and all, rather than end now. Once it is taken up elsewhere, the release names an old holding and
     * changes nothing.
     */
    void releaseUnlessTakenUp(String nick, String claimId) {
        time.after(ABANDONED_CLAIM_LINGER, () -> {
            if (running) {
                release(nick, claimId);
            }
        });
    }

    /** Ends the session cluster-wide; {@code then} runs once Kafka took the release, or did not. */
    private void release(String nick, String claimId, Runnable then) {
        roomRecords.ended(claimId);
        publish(new PresenceRecord.Release(nick, claimId), then, failure -> then.run());
    }

    private void publish(PresenceRecord record, Consumer<Exception> onFailure) {
        publish(record, () -> { }, onFailure);
    }

    private void publish(PresenceRecord record, Runnable onWritten, Consumer<Exception> onFailure) {
        ProducerRecord<byte[], byte[]> out =
            new ProducerRecord<>(topic, 0, PresenceCodec.key(record), PresenceCodec.encode(record));
        try {
            producer.send(out, (metadata, error) -> {
                if (error == null) {
                    onWritten.run();
                } else {
                    log.warn("presence record not written: {}", error.toString());
                    onFailure.accept(error);
                }
            });
        } catch (RuntimeException e) {
            log.warn("presence record not written: {}", e.toString());
            onFailure.accept(e);
        }
    }

    // ---- the heartbeat thread ----

    private void beat() {
        while (running) {
            String current = incarnation;
            publish(new PresenceRecord.Heartbeat(gatewayId, current, !state.isLive(current)),
                heartbeatsTaken::happened, failure -> { });
            try {
                time.sleep(PresenceState.HEARTBEAT_INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- the follower thread ----

    private void follow(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<PresenceRecord> decoded = PresenceReplay.decode(record, malformed);
            if (decoded.isPresent()) {
                state.apply(record.timestamp(), decoded.get()).forEach(this::act);
            }
            applied = record.offset() + 1;
        }
        snapshotIfDue();
        if (registered.getCount() > 0 && state.isLive(incarnation)) {
            registered.countDown();
        }
    }

    /**
     * Hands a snapshot of the state to the writer when one is due and this gateway is the cluster's eldest: the one
     * gateway every gateway names alike from the records, so one writes and the others need not. The state is taken
     * between two polls on the only thread that applies records, so it is exactly the state after every record below
     * {@code applied}, and none from it on.
     */
    private void snapshotIfDue() {
        long logTime = state.logTime();
        if (incarnation.equals(state.eldestLiveIncarnation()) && snapshotSchedule.due(applied, logTime)) {
            snapshotSchedule.taken(applied, logTime);
            snapshots.offer(new SnapshotCodec.AtOffset(applied, state.snapshot()));
        }
    }

    private void act(Change change) {
        switch (change) {
            case Change.ClaimDecided d -> claimDecided(d);
            case Change.GatewayGone g -> {
                if (g.incarnation().equals(incarnation)) {
                    if (g.expired()) {
                        leaseLost();
                    }
                    // Otherwise it is this gateway's own stop, read back while it shuts down.
                } else if (g.expired()) {
                    log.info("gateway {} lapsed; {} of its sessions are released", g.gateway(), g.sessions().size());
                }
                g.sessions().forEach(session -> news.accept(new RoomMembers.News.Ended(session.id())));
            }
            case Change.Released r -> news.accept(new RoomMembers.News.Ended(r.session().id()));
            case Change.RoomsRecorded r -> news.accept(new RoomMembers.News.Recorded(r.cause().room(), r.session().nick(),
                r.session().id(), r.session().rooms().contains(r.cause().room()), r.cause().seq()));
            case Change.RegistrationDecided d -> {
                Consumer<Change.RegistrationDecided> pending = pendingRegistrations.remove(d.register().account());
                if (pending != null) {
                    pending.accept(d);
                }
            }
            case Change.Revoked r -> {
                news.accept(new RoomMembers.News.Ended(r.session().id()));
                Connection holder = r.session().incarnation().equals(incarnation) ? sessions.byNick(r.session().nick()) : null;
                if (holder != null && r.session().claim().equals(holder.claimId())) {
                    holder.handOver();
                    holder.close(CloseReason.ACCOUNT_CHANGED, new ServerFrame.Error(ErrorCode.NICK_REGISTERED,
                        "the account of " + r.session().nick() + " changed (registered, reset or removed); sign in again",
                        null));
                }
            }
        }
    }

    private void claimDecided(Change.ClaimDecided d) {
        if (d.verdict() == PresenceState.Verdict.RESUMED || d.verdict() == PresenceState.Verdict.REGAINED) {
            closeSupersededConnection(d.previous());
        }
        PendingClaim pending = pendingClaims.remove(d.claim().claim());
        if (pending == null) {
            if (d.claim().incarnation().equals(incarnation) && d.session() != null
                && d.session().claim().equals(d.claim().claim())) {
                // The client was told unavailable, yet the claim made it: give the nick back.
                release(d.session().nick(), d.session().claim());
            }
            return;
        }
        Connection c = pending.connection();
        switch (d.verdict()) {
            case WON -> {
                if (d.session().account() == null && !pending.guestAllowed()) {
                    // The nick is given back before the client hears why, so that a hello it says elsewhere right
                    // after finds the nick free: that claim comes after the release in the log.
                    ServerFrame refusal = new ServerFrame.Error(ErrorCode.AUTH_REQUIRED,
                        "this gateway admits accounts only: sign in with a password or a token", pending.ref());
                    release(d.session().nick(), d.session().claim(), () -> {
                        c.send(refusal);
                        c.clusterAnswered();
                    });
                    return;
                }
                hold(c, d.verdict(), d.session(), pending.newToken(), pending.ref());
                if (d.session().account() != null) {
                    inboxes.accept(c);
                }
            }
            case RESUMED, REGAINED -> {
                hold(c, d.verdict(), d.session(), d.verdict() == PresenceState.Verdict.RESUMED ? pending.presentedToken()
                    : pending.newToken(), pending.ref());
                if (d.session().account() != null) {
                    // An earlier connection may have lost its inbox's pages with it (a hello its client gave up on):
                    // what is still unmarked waits for this one.
                    inboxes.accept(c);
                }
            }
            case TAKEN -> c.send(new ServerFrame.Error(ErrorCode.NICK_TAKEN, d.claim().nick() + " is taken", pending.ref()));
            case REFUSED -> c.send(new ServerFrame.Error(ErrorCode.UNAVAILABLE,
                "this gateway lost its registration with the cluster; say hello again", pending.ref()));
            case REGISTERED -> c.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED,
                d.claim().nick() + " is registered to an account: sign in with its password or a token", pending.ref()));
            case STALE_ACCOUNT -> c.send(new ServerFrame.Error(ErrorCode.AUTH_FAILED,
                "the account of " + d.claim().nick() + " changed while you signed in; sign in again", pending.ref()));
        }
        // Only now may the reader go on: the frames behind the hello must find the session in place.
        c.clusterAnswered();
    }

    private void hold(Connection c, PresenceState.Verdict verdict, PresenceState.Session session, String token,
                      String ref) {
        // A new guest's token is in this welcome only: nobody could take its session up elsewhere.
        boolean known = verdict != PresenceState.Verdict.WON || session.account() != null;
        c.holdSession(session.nick(), session.claim(), session.id(), session.account(), known);
        // The welcome goes first: from the moment the connection is found by its nick or its rooms, the fan-out may
        // queue messages for it, and none may come before the welcome.
        c.send(new ServerFrame.Welcome(session.nick(), token, gatewayId, session.account() != null, ref));
        sessions.bind(session.nick(), c);
        for (String room : session.rooms()) {
            c.enterRoom(room);
            localRooms.add(room, c);
        }
        if (!c.isOpen()) {
            // The connection ended while its claim was in flight: it may have missed holding it, so release here too.
            session.rooms().forEach(room -> localRooms.remove(room, c));
            sessions.remove(c);
            if (known) {
                releaseUnlessTakenUp(session.nick(), session.claim());
            } else {
                release(session.nick(), session.claim());
            }
        }
    }

    private void closeSupersededConnection(PresenceState.Session previous) {
        if (!previous.incarnation().equals(incarnation)) {
            return;
        }
        Connection old = sessions.byNick(previous.nick());
        if (old != null && previous.claim().equals(old.claimId())) {
            old.handOver();
            old.bye(CloseReason.RESUMED_ELSEWHERE, null);
        }
    }

    private void leaseLost() {
        String lapsed = incarnation;
        incarnation = tokens.newToken();
        log.warn("gateway {} lost its presence lease; closing its sessions and registering again", gatewayId);
        for (Connection c : sessions.all()) {
            if (c.nick() != null) {
                c.handOver();
                c.bye(CloseReason.LEASE_LOST, null);
            }
        }
        log.debug("incarnation {} replaced by {}", lapsed, incarnation);
    }

    /** Stops heartbeats and releases every session of this gateway at once. */
    @Override
    public void close() {
        running = false;
        heartbeat.interrupt();
        publish(new PresenceRecord.Stopped(gatewayId, incarnation), failure -> { });
        producer.close(Duration.ofSeconds(2));
        snapshots.close();
        follower.close();
    }
}
