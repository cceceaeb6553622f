package chat.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState.Change;
import chat.gateway.presence.PresenceState.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresenceStateTest {
    private static final long T0 = 1_700_000_000_000L;

    private final PresenceState state = new PresenceState();
    private long now = T0;

    private List<Change> at(long time, PresenceRecord record) {
        now = time;
        return state.apply(time, record);
    }

    private List<Change> next(PresenceRecord record) {
        return at(now + 1, record);
    }

    private static PresenceRecord.Heartbeat start(String incarnation) {
        return new PresenceRecord.Heartbeat("gw-" + incarnation, incarnation, true);
    }

    private static PresenceRecord.Heartbeat beat(String incarnation) {
        return new PresenceRecord.Heartbeat("gw-" + incarnation, incarnation, false);
    }

    private static PresenceRecord.Claim claim(String nick, String claimId, String session, String proof, String incarnation) {
        return new PresenceRecord.Claim(nick, claimId, session, proof, "gw-" + incarnation, incarnation);
    }

    private static Change.ClaimDecided decided(List<Change> changes) {
        return changes.stream().filter(c -> c instanceof Change.ClaimDecided).map(c -> (Change.ClaimDecided) c)
            .findFirst().orElseThrow();
    }

    private static List<Change.GatewayGone> gone(List<Change> changes) {
        return changes.stream().filter(c -> c instanceof Change.GatewayGone).map(c -> (Change.GatewayGone) c).toList();
    }

    @Test
    void theFirstClaimInTheLogWinsAndTheSecondIsTakenIgnoringCase() {
        next(start("a"));
        next(start("b"));
        assertEquals(Verdict.WON, decided(next(claim("alice", "c1", "s1", null, "a"))).verdict());
        assertEquals(Verdict.TAKEN, decided(next(claim("ALICE", "c2", "s2", null, "b"))).verdict());
        assertEquals("c1", state.session("Alice").claim());
    }

    @Test
    void aGatewayWithoutALiveLeaseMayNotClaim() {
        assertEquals(Verdict.REFUSED, decided(next(claim("alice", "c1", "s1", null, "ghost"))).verdict());
        next(beat("ghost"));
        assertEquals(Verdict.REFUSED, decided(next(claim("alice", "c2", "s1", null, "ghost"))).verdict(),
            "a heartbeat without start does not register an unknown gateway");
        assertNull(state.session("alice"));
    }

    @Test
    void theTokenOfTheHoldingSessionResumesItWithItsRoomsOnAnotherGateway() {
        next(start("a"));
        next(start("b"));
        next(claim("alice", "c1", "s1", null, "a"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby", "dev")));
        assertEquals(Verdict.TAKEN, decided(next(claim("alice", "c2", "s9", "wrong", "b"))).verdict());
        Change.ClaimDecided resumed = decided(next(claim("alice", "c3", "s3", "s1", "b")));
        assertEquals(Verdict.RESUMED, resumed.verdict());
        assertEquals("c1", resumed.previous().claim());
        assertEquals(Set.of("lobby", "dev"), resumed.session().rooms());
        assertEquals("s1", state.session("alice").sessionHash(), "a resumed session keeps its token");
        assertEquals("c1", state.session("alice").id(), "a resumed session keeps its id");
        assertEquals("c3", state.session("alice").claim());
    }

    @Test
    void recordsOfAHoldingThatWasTakenOverChangeNothing() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby")));
        next(claim("alice", "c2", "s2", "s1", "a"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of()));
        next(new PresenceRecord.Release("alice", "c1"));
        assertEquals("c2", state.session("alice").claim());
        assertEquals(Set.of("lobby"), state.session("alice").rooms());
        Change.Released released = (Change.Released) next(new PresenceRecord.Release("alice", "c2")).getFirst();
        assertEquals("c1", released.session().id());
        assertNull(state.session("alice"));
        assertEquals(List.of(), state.sessions());
    }

    @Test
    void eachSessionsRoomsAreItsLastRoomsRecord() {
        next(start("a"));
        next(start("b"));
        next(claim("bob", "c1", "s1", null, "a"));
        next(claim("Alice", "c2", "s2", null, "b"));
        next(new PresenceRecord.Rooms("bob", "c1", List.of("lobby", "dev")));
        next(new PresenceRecord.Rooms("Alice", "c2", List.of("lobby")));
        assertEquals(Set.of("lobby", "dev"), state.session("bob").rooms());
        next(new PresenceRecord.Rooms("bob", "c1", List.of("dev")));
        assertEquals(Set.of("dev"), state.session("bob").rooms());
        assertEquals(Set.of("lobby"), state.session("alice").rooms());
        assertEquals(2, state.sessions().size());

        PresenceRecord.RoomChange cause = new PresenceRecord.RoomChange("lobby", 41);
        List<Change> recorded = next(new PresenceRecord.Rooms("Alice", "c2", List.of(), cause));
        assertEquals(List.of(new Change.RoomsRecorded(state.session("alice"), cause)), recorded);
        assertEquals(List.of(), next(new PresenceRecord.Rooms("Alice", "stale", List.of("x"), cause)),
            "a record of a holding since replaced changes nothing");
    }

    @Test
    void aGatewayThatStopsHeartbeatingLosesItsSessionsOnceTheLeaseRunsOut() {
        next(start("b"));
        next(start("a"));
        long lastBeatOfA = now;
        next(claim("alice", "c1", "s1", null, "a"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby")));
        List<Change.GatewayGone> lost = new ArrayList<>();
        long t = lastBeatOfA;
        while (lost.isEmpty()) {
            t += PresenceState.HEARTBEAT_INTERVAL.toMillis();
            lost.addAll(gone(at(t, beat("b"))));
        }
        long after = t - lastBeatOfA;
        assertTrue(after > PresenceState.LEASE.toMillis(), "not before the lease ran out: " + after);
        assertTrue(after <= PresenceState.LEASE.toMillis() + PresenceState.HEARTBEAT_INTERVAL.toMillis(),
            "at the first heartbeat after it ran out: " + after);
        Change.GatewayGone goneA = lost.getFirst();
        assertEquals("a", goneA.incarnation());
        assertTrue(goneA.expired());
        assertEquals("alice", goneA.sessions().getFirst().nick());
        assertEquals(Set.of("lobby"), goneA.sessions().getFirst().rooms());
        assertNull(state.session("alice"));
        assertEquals(Verdict.WON, decided(next(claim("alice", "c2", "s2", "s1", "b"))).verdict(),
            "a released nick is free, whatever token is shown");
    }

    @Test
    void aSilentLogDoesNotCountAgainstLeases() {
        next(start("a"));
        next(start("b"));
        next(claim("alice", "c1", "s1", null, "a"));
        // Kafka was down for ten minutes: the first records after it must not expire anyone.
        long back = now + 600_000;
        assertEquals(List.of(), gone(at(back, beat("b"))));
        assertEquals(List.of(), gone(at(back + 1, beat("a"))));
        assertEquals("c1", state.session("alice").claim());
    }

    @Test
    void aClockThatStepsBackDoesNotExpireAnyone() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        assertEquals(List.of(), gone(at(now - 60_000, beat("a"))));
        assertTrue(state.isLive("a"));
    }

    @Test
    void aCleanStopReleasesAtOnceAndALapsedGatewayIsNotRevivedByItsHeartbeat() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        List<Change.GatewayGone> stopped = gone(next(new PresenceRecord.Stopped("gw-a", "a")));
        assertEquals(1, stopped.size());
        assertTrue(!stopped.getFirst().expired());
        assertNull(state.session("alice"));
        next(beat("a"));
        assertTrue(!state.isLive("a"));
    }

    @Test
    void twoReplaysOfTheSameLogAgree() {
        List<Long> times = new ArrayList<>();
        List<PresenceRecord> log = new ArrayList<>();
        java.util.Random random = new Random(42);
        long t = T0;
        String[] incarnations = {"a", "b", "c"};
        for (String i : incarnations) {
            times.add(t++);
            log.add(start(i));
        }
        for (int n = 0; n < 2_000; n++) {
            t += random.nextInt(3_000);
            String i = incarnations[random.nextInt(3)];
            String nick = "n" + random.nextInt(20);
            PresenceRecord r = switch (random.nextInt(5)) {
                case 0 -> beat(i);
                case 1 -> claim(nick, "c" + n, "s" + n, random.nextBoolean() ? "s" + random.nextInt(n + 1) : null, i);
                case 2 -> new PresenceRecord.Release(nick, "c" + random.nextInt(n + 1));
                case 3 -> new PresenceRecord.Rooms(nick, "c" + random.nextInt(n + 1), List.of("r" + random.nextInt(4)));
                default -> start(i);
            };
            times.add(t);
            log.add(r);
        }
        PresenceState first = new PresenceState();
        PresenceState second = new PresenceState();
        List<Change> firstChanges = new ArrayList<>();
        List<Change> secondChanges = new ArrayList<>();
        for (int n = 0; n < log.size(); n++) {
            firstChanges.addAll(first.apply(times.get(n), log.get(n)));
            secondChanges.addAll(second.apply(times.get(n), log.get(n)));
        }
        assertEquals(firstChanges, secondChanges);
        assertEquals(Set.copyOf(first.sessions()), Set.copyOf(second.sessions()));
        assertTrue(firstChanges.stream().anyMatch(c -> c instanceof Change.GatewayGone), "the log exercised expiry");
    }

    @Test
    void recordsSurviveTheCodec() {
        List<PresenceRecord> records = List.of(start("a"), new PresenceRecord.Stopped("gw", "a"),
            claim("Alice", "c1", "s1", null, "a"), claim("Alice", "c2", "s2", "s1", "a"),
            new PresenceRecord.Release("Alice", "c1"), new PresenceRecord.Rooms("Alice", "c2", List.of("x", "y")),
            new PresenceRecord.Rooms("Alice", "c2", List.of("x"), new PresenceRecord.RoomChange("y", 7)));
        for (PresenceRecord r : records) {
            assertEquals(Optional.of(r), PresenceCodec.decode(PresenceCodec.encode(r)));
        }
        assertEquals(Optional.empty(), PresenceCodec.decode("{\"v\":2,\"type\":\"future\"}".getBytes()));
    }
}
