package chat.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState.Change;
import chat.gateway.presence.PresenceState.Verdict;
import java.nio.charset.StandardCharsets;
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

    private static PresenceRecord.Claim claim(String nick, String claimId, String session, String proof, String incarnation,
                                              String account) {
        return new PresenceRecord.Claim(nick, claimId, session, proof, "gw-" + incarnation, incarnation, account);
    }

    private static <T extends Change> List<T> only(Class<T> type, List<Change> changes) {
        return changes.stream().filter(type::isInstance).map(type::cast).toList();
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

    private static PresenceRecord.Room room(String nick, String claimId, String room, boolean member, long seq) {
        return new PresenceRecord.Room(nick, claimId, new PresenceRecord.RoomChange(room, seq), member);
    }

    @Test
    void aRoomRecordJoinsOrLeavesThatOneRoomAndSaysWhichEventItFollows() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        next(room("alice", "c1", "lobby", true, 10));
        List<Change> joined = next(room("Alice", "c1", "dev", true, 11));
        assertEquals(Set.of("lobby", "dev"), state.session("alice").rooms());
        assertEquals(List.of(new Change.RoomsRecorded(state.session("alice"), new PresenceRecord.RoomChange("dev", 11))),
            joined);

        List<Change> left = next(room("alice", "c1", "lobby", false, 12));
        assertEquals(Set.of("dev"), state.session("alice").rooms());
        Change.RoomsRecorded recorded = only(Change.RoomsRecorded.class, left).getFirst();
        assertEquals(new PresenceRecord.RoomChange("lobby", 12), recorded.cause());
        assertTrue(!recorded.session().rooms().contains("lobby"), "the change says the session is no longer a member");

        next(room("alice", "c1", "dev", true, 13));
        next(room("alice", "c1", "gone", false, 14));
        assertEquals(Set.of("dev"), state.session("alice").rooms(), "joining twice or leaving a room not joined is no change");
        assertEquals(List.of(), next(room("alice", "stale", "x", true, 15)), "a record of a holding since replaced changes nothing");
        assertEquals(Set.of("dev"), state.session("alice").rooms());
    }

    @Test
    void roomRecordsChangeWhatAnOldFullListLeftAndAFullListStillReplacesAll() {
        next(start("a"));
        next(start("b"));
        next(claim("alice", "c1", "s1", null, "a"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby", "dev"), new PresenceRecord.RoomChange("dev", 3)));
        next(room("alice", "c1", "ops", true, 4));
        next(room("alice", "c1", "lobby", false, 5));
        assertEquals(Set.of("dev", "ops"), state.session("alice").rooms());
        next(new PresenceRecord.Rooms("alice", "c1", List.of("x"), new PresenceRecord.RoomChange("x", 6)));
        assertEquals(Set.of("x"), state.session("alice").rooms());

        Change.ClaimDecided resumed = decided(next(claim("alice", "c2", "s2", "s1", "b")));
        assertEquals(Set.of("x"), resumed.session().rooms(), "a resumed session gets the rooms its records add up to");
        next(room("alice", "c2", "y", true, 7));
        assertEquals(Set.of("x", "y"), state.session("alice").rooms());
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
    void theFirstRegistrationOfANickInTheLogOwnsItAndTheSecondIsRefused() {
        next(start("a"));
        next(start("b"));
        next(claim("alice", "c1", "s1", null, "a"));
        Change.RegistrationDecided mine = only(Change.RegistrationDecided.class,
            next(new PresenceRecord.Register("alice", "acct-1", "hash-1", "c1"))).getFirst();
        assertTrue(mine.accepted());
        assertEquals("acct-1", mine.signedIn().account(), "the asking session is signed in to its new account");
        assertEquals("acct-1", state.session("alice").account());

        Change.RegistrationDecided late = only(Change.RegistrationDecided.class,
            next(new PresenceRecord.Register("ALICE", "acct-2", "hash-2", null))).getFirst();
        assertTrue(!late.accepted());
        assertEquals("acct-1", state.account("alice").id());
        assertEquals("c1", state.session("alice").claim(), "a refused registration ends nobody");
    }

    @Test
    void onlyTheSessionHoldingANickMayRegisterIt() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        assertTrue(!only(Change.RegistrationDecided.class,
            next(new PresenceRecord.Register("alice", "acct-1", "hash", "c-other"))).getFirst().accepted());
        next(new PresenceRecord.Release("alice", "c1"));
        assertTrue(!only(Change.RegistrationDecided.class,
            next(new PresenceRecord.Register("alice", "acct-1", "hash", "c1"))).getFirst().accepted(),
            "a registration written after its session ended comes too late");
        assertNull(state.account("alice"));
    }

    @Test
    void aRegisteredNickIsHeldOnlyByAClaimSignedInToItsAccount() {
        next(start("a"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c1", "s1", null, "a"))).verdict());
        assertEquals(Verdict.STALE_ACCOUNT, decided(next(claim("alice", "c2", "s2", null, "a", "acct-0"))).verdict());
        assertNull(state.session("alice"));
        Change.ClaimDecided signedIn = decided(next(claim("Alice", "c3", "s3", null, "a", "acct-1")));
        assertEquals(Verdict.WON, signedIn.verdict());
        assertEquals("acct-1", signedIn.session().account());

        Change.ClaimDecided resumed = decided(next(claim("alice", "c4", "s4", "s3", "a")));
        assertEquals(Verdict.RESUMED, resumed.verdict(), "the session's token resumes it without the password");
        assertEquals("acct-1", resumed.session().account());
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c5", "s5", "wrong", "a"))).verdict());
    }

    @Test
    void aClaimSignedInToTheOwningAccountRegainsTheNickFromItsOwnLingeringSession() {
        next(start("a"));
        next(start("b"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        next(claim("alice", "c1", "s1", null, "a", "acct-1"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby")));
        Change.ClaimDecided regained = decided(next(claim("alice", "c2", "s2", null, "b", "acct-1")));
        assertEquals(Verdict.REGAINED, regained.verdict());
        assertEquals("c1", regained.previous().claim());
        assertEquals(Set.of("lobby"), regained.session().rooms());
        assertEquals("s2", regained.session().sessionHash(), "the new holder's token, not the lost one's");
        assertEquals(regained.previous().id(), regained.session().id(), "the same session, so no one sees it leave");
    }

    /** Alice, signed in to acct-1 on gateway a with token s1, loses her session when a lapses; b lives on. */
    private void aliceLosesHerSessionWithGatewayA() {
        next(start("a"));
        next(start("b"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        next(claim("alice", "c1", "s1", null, "a", "acct-1"));
        next(new PresenceRecord.Rooms("alice", "c1", List.of("lobby")));
        long t = now;
        while (state.session("alice") != null) {
            t += PresenceState.HEARTBEAT_INTERVAL.toMillis();
            at(t, beat("b"));
        }
    }

    @Test
    void theTokenOfAnAccountsSessionThatItsGatewayLostSignsInToTheAccountAnew() {
        aliceLosesHerSessionWithGatewayA();
        Change.ClaimDecided back = decided(next(claim("alice", "c2", "s2", "s1", "b")));
        assertEquals(Verdict.WON, back.verdict(), "no password needed");
        assertEquals("acct-1", back.session().account());
        assertEquals("s2", back.session().sessionHash(), "a new session under a new token");
        assertEquals(Set.of(), back.session().rooms(), "the lost session left its rooms");
    }

    @Test
    void aLostSessionsTokenRegainsTheSessionItSignedInAndNothingOnceThePasswordSignedIn() {
        aliceLosesHerSessionWithGatewayA();
        next(claim("alice", "c2", "s2", "s1", "b"));
        Change.ClaimDecided again = decided(next(claim("alice", "c3", "s3", "s1", "b")));
        assertEquals(Verdict.REGAINED, again.verdict(), "a hello given up on, and said again elsewhere");
        assertEquals("c2", again.previous().claim());

        next(claim("alice", "c4", "s4", null, "b", "acct-1"));
        next(new PresenceRecord.Release("alice", "c4"));
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c5", "s5", "s1", "b"))).verdict(),
            "the password's sign-in made s1 old");
    }

    @Test
    void aLostSessionsTokenSignsInNoMoreAfterAResetOrOnceItsTimeHasRun() {
        aliceLosesHerSessionWithGatewayA();
        next(new PresenceRecord.Passwd("alice", "acct-1", "hash-2"));
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c2", "s2", "s1", "b"))).verdict(),
            "a reset ends every token");

        next(claim("alice", "c3", "s3", null, "b", "acct-1"));
        long lastBeatOfB = now;
        next(start("c"));
        long t = lastBeatOfB;
        while (state.session("alice") != null) {
            t += PresenceState.HEARTBEAT_INTERVAL.toMillis();
            at(t, beat("c"));
        }
        long lapsedAt = state.logTime();
        while (state.logTime() - lapsedAt <= PresenceState.LAPSED_SIGN_IN.toMillis()) {
            t += PresenceState.HEARTBEAT_INTERVAL.toMillis();
            at(t, beat("c"));
        }
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c4", "s4", "s3", "c"))).verdict(),
            "ten minutes of log time later the token is worth nothing");
    }

    @Test
    void aSessionThatEndedByItsOwnReleaseLeavesNoTokenToSignInWith() {
        next(start("a"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        next(claim("alice", "c1", "s1", null, "a", "acct-1"));
        next(new PresenceRecord.Release("alice", "c1"));
        assertEquals(Verdict.REGISTERED, decided(next(claim("alice", "c2", "s2", "s1", "a"))).verdict());
    }

    @Test
    void aGatewaysCleanStopLeavesItsAccountsTokensToSignInWith() {
        next(start("a"));
        next(start("b"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        next(claim("alice", "c1", "s1", null, "a", "acct-1"));
        next(claim("bob", "c2", "t2", null, "a"));
        next(new PresenceRecord.Stopped("gw-a", "a"));
        assertEquals(Verdict.WON, decided(next(claim("alice", "c3", "s3", "s1", "b"))).verdict());
        Change.ClaimDecided guest = decided(next(claim("bob", "c4", "t4", "t2", "b")));
        assertEquals(Verdict.WON, guest.verdict());
        assertNull(guest.session().account(), "a guest's token signs in to nothing");
    }

    @Test
    void aClaimSignedInToAnAccountOfAnUnregisteredNickIsStale() {
        next(start("a"));
        assertEquals(Verdict.STALE_ACCOUNT, decided(next(claim("alice", "c1", "s1", null, "a", "acct-gone"))).verdict());
        assertNull(state.session("alice"));
    }

    @Test
    void registeringOverAGuestEndsTheGuestsSession() {
        next(start("a"));
        next(claim("alice", "c1", "s1", null, "a"));
        List<Change> changes = next(new PresenceRecord.Register("alice", "acct-1", "hash", null));
        assertEquals("c1", only(Change.Revoked.class, changes).getFirst().session().claim());
        assertTrue(only(Change.RegistrationDecided.class, changes).getFirst().accepted());
        assertNull(state.session("alice"));
    }

    @Test
    void aResetOrRemovalEndsTheAccountsSessionAndOnlyForThatAccount() {
        next(start("a"));
        next(new PresenceRecord.Register("alice", "acct-1", "hash-1", null));
        next(claim("alice", "c1", "s1", null, "a", "acct-1"));
        assertEquals(List.of(), next(new PresenceRecord.Passwd("alice", "acct-other", "hash-x")),
            "a reset of another account changes nothing");
        assertEquals("hash-1", state.account("alice").credential());

        List<Change> reset = next(new PresenceRecord.Passwd("alice", "acct-1", "hash-2"));
        assertEquals("c1", only(Change.Revoked.class, reset).getFirst().session().claim());
        assertEquals("hash-2", state.account("alice").credential());

        next(claim("alice", "c2", "s2", null, "a", "acct-1"));
        List<Change> removed = next(new PresenceRecord.Unregister("alice", "acct-1"));
        assertEquals("c2", only(Change.Revoked.class, removed).getFirst().session().claim());
        assertNull(state.account("alice"));
        assertEquals(Verdict.WON, decided(next(claim("alice", "c3", "s3", null, "a"))).verdict(), "the nick is free again");
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
            PresenceRecord r = switch (random.nextInt(6)) {
                case 0 -> beat(i);
                case 1 -> claim(nick, "c" + n, "s" + n, random.nextBoolean() ? "s" + random.nextInt(n + 1) : null, i);
                case 2 -> new PresenceRecord.Release(nick, "c" + random.nextInt(n + 1));
                case 3 -> random.nextBoolean()
                    ? new PresenceRecord.Rooms(nick, "c" + random.nextInt(n + 1), List.of("r" + random.nextInt(4)))
                    : room(nick, "c" + random.nextInt(n + 1), "r" + random.nextInt(4), random.nextBoolean(), n);
                case 4 -> random.nextBoolean()
                    ? new PresenceRecord.Register(nick, "a" + n, "hash", random.nextBoolean() ? null : "c" + random.nextInt(n + 1))
                    : claim(nick, "c" + n, "s" + n, null, i, "a" + random.nextInt(n + 1));
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
            new PresenceRecord.Rooms("Alice", "c2", List.of("x"), new PresenceRecord.RoomChange("y", 7)),
            room("Alice", "c2", "y", true, 8), room("Alice", "c2", "y", false, 9),
            claim("Alice", "c3", "s3", null, "a", "acct"), new PresenceRecord.Register("Alice", "acct", "$argon2id$x", "c3"),
            new PresenceRecord.Register("Alice", "acct", null, null), new PresenceRecord.Passwd("Alice", "acct", "$argon2id$y"),
            new PresenceRecord.Unregister("Alice", "acct"));
        for (PresenceRecord r : records) {
            assertEquals(Optional.of(r), PresenceCodec.decode(PresenceCodec.encode(r)));
        }
        assertEquals(Optional.empty(), PresenceCodec.decode("{\"v\":2,\"type\":\"future\"}".getBytes()));
    }

    @Test
    void aRoomRecordIsTheJoinOrLeaveOfOneRoomOnTheWire() {
        assertEquals("{\"v\":1,\"type\":\"room\",\"nick\":\"Alice\",\"claim\":\"c2\",\"room\":\"lobby\",\"member\":true,"
                + "\"seq\":41}",
            new String(PresenceCodec.encode(room("Alice", "c2", "lobby", true, 41)), StandardCharsets.UTF_8));
        assertEquals(Optional.of(room("bob", "c3", "dev", false, 7)), PresenceCodec.decode(
            "{\"v\":1,\"type\":\"room\",\"nick\":\"bob\",\"claim\":\"c3\",\"room\":\"dev\",\"member\":false,\"seq\":7}"
                .getBytes(StandardCharsets.UTF_8)));
    }
}
