package chat.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState.Change;
import chat.gateway.presence.PresenceState.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PresenceSnapshotTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int RECORDS = 3_000;
    /** A snapshot is taken before every this-many-th record. */
    private static final int EVERY = 37;

    /** A record of the log with the append time the broker gave it. */
    private record Entry(long appendTime, PresenceRecord record) {}

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aRestoredSnapshotGoesOnExactlyAsAReplayFromTheStart(long seed) {
        List<Entry> log = randomLog(seed);
        PresenceState full = new PresenceState();
        List<List<Change>> changesOfFull = new ArrayList<>();
        Map<Integer, byte[]> snapshots = new LinkedHashMap<>();
        Map<Integer, PresenceState.Snapshot> fullAt = new LinkedHashMap<>();
        for (int i = 0; i < log.size(); i++) {
            if (i % EVERY == 0) {
                snapshots.put(i, SnapshotCodec.encode(new SnapshotCodec.AtOffset(i, full.snapshot())));
                fullAt.put(i, full.snapshot());
            }
            changesOfFull.add(full.apply(log.get(i).appendTime(), log.get(i).record()));
        }
        PresenceState.Snapshot end = full.snapshot();

        for (Map.Entry<Integer, byte[]> stored : snapshots.entrySet()) {
            int from = stored.getKey();
            SnapshotCodec.AtOffset read = SnapshotCodec.decode(stored.getValue());
            assertEquals(from, read.offset());
            PresenceState restored = new PresenceState();
            restored.restore(read.snapshot());
            assertEquals(fullAt.get(from), restored.snapshot(), "seed " + seed + ": the snapshot at " + from);
            for (int i = from; i < log.size(); i++) {
                List<Change> changes = restored.apply(log.get(i).appendTime(), log.get(i).record());
                assertEquals(changesOfFull.get(i), changes,
                    "seed " + seed + ", restored at " + from + ": the changes of record " + i + ", " + log.get(i));
                if (fullAt.containsKey(i + 1)) {
                    assertEquals(fullAt.get(i + 1), restored.snapshot(), "seed " + seed + ", restored at " + from);
                }
            }
            assertEquals(end, restored.snapshot(), "seed " + seed + ", restored at " + from + ": the state at the end");
        }

        List<Change> all = changesOfFull.stream().flatMap(List::stream).toList();
        assertHappened(all, c -> c instanceof Change.GatewayGone g && g.expired() && !g.sessions().isEmpty(), "a lapse");
        assertHappened(all, c -> c instanceof Change.GatewayGone g && !g.expired() && !g.sessions().isEmpty(), "a stop");
        assertHappened(all, c -> c instanceof Change.ClaimDecided d && d.verdict() == Verdict.RESUMED, "a resume");
        assertHappened(all, c -> c instanceof Change.ClaimDecided d && d.verdict() == Verdict.REGAINED, "a regain");
        assertHappened(all, c -> c instanceof Change.ClaimDecided d && d.verdict() == Verdict.REFUSED, "a refusal");
        assertHappened(all, c -> c instanceof Change.ClaimDecided d && d.verdict() == Verdict.WON
            && d.claim().account() == null && d.session().account() != null, "a sign-in by a lost session's token");
        assertHappened(all, c -> c instanceof Change.RoomsRecorded r && !r.session().rooms().isEmpty(), "rooms");
        assertHappened(all, c -> c instanceof Change.RegistrationDecided d && d.accepted(), "a registration");
        assertHappened(all, c -> c instanceof Change.Revoked, "a revocation");
        assertHappened(all, c -> c instanceof Change.Released, "a release");
        assertTrue(fullAt.values().stream().anyMatch(s -> s.leases().size() > 1 && !s.accounts().isEmpty()
                && s.sessions().stream().filter(session -> !session.rooms().isEmpty()).count() > 3),
            "some snapshot holds leases, accounts and sessions in rooms");
        assertTrue(fullAt.values().stream().anyMatch(s -> s.accounts().stream().anyMatch(a -> a.lapsed() != null)),
            "some snapshot holds the token of an account's lost session");
    }

    private static void assertHappened(List<Change> changes, Predicate<Change> what, String name) {
        assertTrue(changes.stream().anyMatch(what), "the log holds " + name);
    }

    /**
     * A log as gateways write it: heartbeats of a few incarnations, with gaps longer than a step and clocks stepping
     * back; gateways starting, stopping and falling silent until they lapse; claims, resumes, regains, releases, room
     * joins and parts (and full lists), registrations, resets and removals. What it writes about sessions and
     * accounts is mostly about those that exist, which a state of its own tells it.
     */
    private static List<Entry> randomLog(long seed) {
        Random random = new Random(seed);
        PresenceState shadow = new PresenceState();
        List<Entry> log = new ArrayList<>();
        List<String> beating = new ArrayList<>();
        List<String> everStarted = new ArrayList<>();
        long t = T0;
        for (int n = 0; n < RECORDS; n++) {
            int step = random.nextInt(100);
            t += step < 3 ? 5_000 + random.nextInt(60_000) : step < 5 ? -random.nextInt(5_000) : random.nextInt(700);
            String nick = "n" + random.nextInt(40);
            PresenceState.Session held = shadow.session(nick);
            List<PresenceState.Session> holders = shadow.sessions();
            PresenceState.Session someHolder = holders.isEmpty() ? null : holders.get(random.nextInt(holders.size()));
            String incarnation = beating.isEmpty() ? null : beating.get(random.nextInt(beating.size()));
            int dice = random.nextInt(100);
            PresenceRecord record;
            if (dice < 30 && incarnation != null) {
                record = new PresenceRecord.Heartbeat("gw-" + incarnation, incarnation, false);
            } else if (dice < 33 || incarnation == null) {
                String started = "i" + n;
                beating.add(started);
                everStarted.add(started);
                record = new PresenceRecord.Heartbeat("gw-" + started, started, true);
            } else if (dice < 35) {
                beating.remove(incarnation);
                record = new PresenceRecord.Stopped("gw-" + incarnation, incarnation);
            } else if (dice < 37) {
                // Killed: it writes nothing more, and lapses once log time has run a lease past its last heartbeat.
                beating.remove(incarnation);
                record = new PresenceRecord.Heartbeat("gw-" + incarnation, incarnation, false);
            } else if (dice < 50) {
                String at = random.nextInt(10) == 0 ? everStarted.get(random.nextInt(everStarted.size())) : incarnation;
                PresenceState.Account account = shadow.account(nick);
                String proof = held != null && random.nextInt(3) == 0 ? held.sessionHash()
                    : account != null && account.lapsed() != null && random.nextBoolean() ? account.lapsed().sessionHash()
                    : null;
                String signedIn = account != null && random.nextBoolean() ? account.id()
                    : held != null && held.account() != null ? held.account()
                    : random.nextInt(10) == 0 ? "a-gone" : null;
                record = new PresenceRecord.Claim(nick, "c" + n, "s" + n, proof, "gw-" + at, at, signedIn);
            } else if (dice < 56) {
                record = new PresenceRecord.Release(nick, held != null && random.nextInt(4) > 0 ? held.claim() : "c0");
            } else if (dice < 74 && someHolder != null) {
                String room = "r" + random.nextInt(8);
                record = new PresenceRecord.Room(someHolder.nick(), someHolder.claim(),
                    new PresenceRecord.RoomChange(room, n), random.nextInt(3) > 0);
            } else if (dice < 77 && someHolder != null) {
                record = new PresenceRecord.Rooms(someHolder.nick(), someHolder.claim(),
                    List.of("r" + random.nextInt(8), "r" + random.nextInt(8)).stream().distinct().toList(),
                    random.nextBoolean() ? new PresenceRecord.RoomChange("r0", n) : null);
            } else if (dice < 81) {
                String asking = held != null && random.nextBoolean() ? held.claim() : null;
                record = new PresenceRecord.Register(nick, "a" + n, "$argon2id$h" + n, asking);
            } else if (dice < 84) {
                PresenceState.Account account = shadow.account(nick);
                record = new PresenceRecord.Passwd(nick, account != null ? account.id() : "a0", "$argon2id$p" + n);
            } else if (dice < 88) {
                PresenceState.Account account = shadow.account(nick);
                record = new PresenceRecord.Unregister(nick, account != null ? account.id() : "a0");
            } else {
                record = new PresenceRecord.Heartbeat("gw-" + incarnation, incarnation, false);
            }
            shadow.apply(t, record);
            log.add(new Entry(t, record));
        }
        return log;
    }

    @Test
    void aSnapshotIsRestoredIntoAFreshStateOnly() {
        PresenceState used = new PresenceState();
        used.apply(T0, new PresenceRecord.Heartbeat("gw", "i", true));
        assertThrows(IllegalStateException.class, () -> used.restore(new PresenceState().snapshot()));
    }

    @Test
    void theSnapshotWriterIsTheLiveIncarnationRegisteredFirst() {
        PresenceState state = new PresenceState();
        assertNull(state.eldestLiveIncarnation());
        state.apply(T0, new PresenceRecord.Heartbeat("gw-b", "b", true));
        state.apply(T0, new PresenceRecord.Heartbeat("gw-a", "a", true));
        assertEquals("a", state.eldestLiveIncarnation(), "registered at one log time: the lower incarnation");
        state.apply(T0 + 1_000, new PresenceRecord.Heartbeat("gw-0", "0", true));
        state.apply(T0 + 2_000, new PresenceRecord.Heartbeat("gw-a", "a", false));
        assertEquals("a", state.eldestLiveIncarnation(), "a heartbeat renews a lease without registering it again");
        state.apply(T0 + 3_000, new PresenceRecord.Stopped("gw-a", "a"));
        assertEquals("b", state.eldestLiveIncarnation());
    }

    @Test
    void aSnapshotIsCompressedJsonOfTheStateAndItsOffset() {
        PresenceState state = new PresenceState();
        state.apply(T0, new PresenceRecord.Heartbeat("gw-a", "a", true));
        state.apply(T0 + 5, new PresenceRecord.Claim("Alice", "c1", "hash-1", null, "gw-a", "a"));
        state.apply(T0 + 6, new PresenceRecord.Room("Alice", "c1", new PresenceRecord.RoomChange("lobby", 3), true));
        state.apply(T0 + 7, new PresenceRecord.Register("Bob", "acct", "$argon2id$x", null));
        SnapshotCodec.AtOffset stored = new SnapshotCodec.AtOffset(4, state.snapshot());
        byte[] bytes = SnapshotCodec.encode(stored);
        assertEquals(stored, SnapshotCodec.decode(bytes));
        assertEquals(0x1f, bytes[0] & 0xff, "gzip");
        assertEquals(0x8b, bytes[1] & 0xff, "gzip");
        assertThrows(IllegalArgumentException.class,
            () -> SnapshotCodec.decode("{\"v\":1}".getBytes(StandardCharsets.UTF_8)), "not compressed");
    }
}
