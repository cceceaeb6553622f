package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.SessionCore.Action;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The session's rules with no socket, no thread and no clock: inputs in (frames, connections opened and lost, the
 * time), actions out (connect, send, close) and what the listener is told.
 */
class SessionCoreTest {
    private static final Failover.Gateway G1 = new Failover.Gateway("gw1.example", 7001);
    private static final Failover.Gateway G2 = new Failover.Gateway("gw2.example", 7002);
    /** Past the longest first wait before the next gateway (500 ms, jittered). */
    private static final Duration FIRST_RETRY = Duration.ofMillis(600);

    private final Heard heard = new Heard();
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");
    private SessionCore core = new SessionCore("alice", List.of(G1, G2), new SplittableRandom(11), heard, null);
    /** The connection in use, as the last {@link Action.Connect} named it. */
    private long connection;

    /** What the core told its listener. */
    private static final class Heard extends LobbyWatch {
        final List<String> refusals = new ArrayList<>();

        @Override
        public void refused(String why) {
            refusals.add(why);
        }
    }

    // ---- lost gateways ----

    @Test
    void aLostGatewayIsLeftForTheNextWhereTheSessionResumesRejoinsFromTheLastSeqAndResendsUnderTheSameIds() {
        inLobbyHaving(G1, 4);
        ClientFrame.Say said = only(ClientFrame.Say.class, core.say("lobby", "are you there?", now));
        long first = connection;

        List<Action> out = core.lost(first, "connection closed", now);
        assertEquals(List.of(new Action.Close(first)), out, "the dead connection is closed, nothing else is sent");
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, heard.lastState());
        assertEquals(G2, waiting.next());
        assertEquals("connection closed", waiting.why());

        ClientFrame.Hello resume = connectAndHello(G2);
        assertEquals("s1", resume.session(), "the session token resumes it");
        ClientFrame.Join rejoin = only(ClientFrame.Join.class, welcome());
        assertEquals(4L, rejoin.after(), "the rejoin asks from the last message shown");
        ClientFrame.Say resent = only(ClientFrame.Say.class,
            core.received(connection, new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()), now));
        assertEquals(said.id(), resent.id(), "the unacked message goes again under its id");
        assertEquals(said.text(), resent.text());
    }

    @Test
    void framesOfAConnectionGivenUpOnArePassedOverAndOneOpenedLateIsClosed() {
        inLobbyHaving(G1, 4);
        long first = connection;
        core.lost(first, "connection closed", now);
        now = now.plus(FIRST_RETRY);
        Action.Connect second = only(Action.Connect.class, core.tick(now));

        assertEquals(List.of(), core.received(first, message(5), now));
        assertEquals(List.of(4L), heard.shownSoFar(), "a frame of the old connection shows nothing");
        assertEquals(List.of(new Action.Close(first)), core.opened(first, now));
        assertTrue(core.opened(second.connection(), now).getFirst() instanceof Action.Send s
            && s.frame() instanceof ClientFrame.Hello);
    }

    @Test
    void aDirectMessageSaidWhileNoGatewayIsReachedWaitsAndGoesUnderItsIdOnceOneWelcomesAfterItsHistoryIsAsked() {
        assertEquals(List.of(), frames(core.say("@bob", "hi bob", now)), "nothing to send it on");
        assertEquals(Timeline.State.QUEUED, core.entries("@bob").getFirst().state());

        connectAndHello(G1);
        List<ClientFrame> out = frames(core.received(connection,
            new ServerFrame.Welcome("alice", "s1", "gw1", true, null), now));
        assertEquals(new ClientFrame.History(null, "bob", null, 50, null), out.get(0));
        ClientFrame.Dm dm = assertInstanceOf(ClientFrame.Dm.class, out.get(1));
        assertEquals("bob", dm.to());
        assertEquals(core.entries("@bob").getFirst().id(), dm.id(), "under the id it was given when said");
        assertEquals(Timeline.State.PENDING, core.entries("@bob").getFirst().state());
    }

    // ---- hung gateways ----

    @Test
    void aWriteThatNeverCompletesLosesTheGatewayAfterThePatience() {
        welcomedOn(G1);
        core.writing(connection, now);
        List<Action> meanwhile = core.tick(now.plus(Duration.ofMillis(4_999)));
        assertFalse(meanwhile.contains(new Action.Close(connection)), "a write may wait up to the patience");

        List<Action> out = core.tick(now.plus(SessionCore.PONG_PATIENCE));
        assertTrue(out.contains(new Action.Close(connection)));
        assertEquals("a write waited 5 s", assertInstanceOf(Failover.State.Waiting.class, heard.lastState()).why());
    }

    @Test
    void aWriteThatCompletesInTimeKeepsTheGateway() {
        welcomedOn(G1);
        core.writing(connection, now);
        core.tick(now.plus(Duration.ofSeconds(1)));
        core.writing(connection, null);
        core.received(connection, new ServerFrame.Pong(null), now);
        assertFalse(core.tick(now.plus(Duration.ofSeconds(5))).contains(new Action.Close(connection)));
        assertInstanceOf(Failover.State.Connected.class, heard.lastState());
    }

    @Test
    void aGatewayThatStopsAnsweringPingsIsLeftOnceAPingWaitedThePatience() {
        welcomedOn(G1);
        Instant pinged = now.plus(SessionCore.PING_INTERVAL);
        only(ClientFrame.Ping.class, core.tick(pinged));
        core.received(connection, new ServerFrame.Pong(null), pinged);
        Instant pingedAgain = pinged.plus(SessionCore.PING_INTERVAL);
        only(ClientFrame.Ping.class, core.tick(pingedAgain));

        // No pong any more: the pings go on, and the first one unanswered counts.
        core.tick(pingedAgain.plus(SessionCore.PING_INTERVAL));
        List<Action> before = core.tick(pingedAgain.plus(SessionCore.PONG_PATIENCE).minusMillis(1));
        assertFalse(before.contains(new Action.Close(connection)));
        List<Action> out = core.tick(pingedAgain.plus(SessionCore.PONG_PATIENCE));
        assertTrue(out.contains(new Action.Close(connection)));
        assertEquals("no pong for 5 s", assertInstanceOf(Failover.State.Waiting.class, heard.lastState()).why());

        now = pingedAgain.plus(SessionCore.PONG_PATIENCE).plus(FIRST_RETRY);
        assertEquals(G2, only(Action.Connect.class, core.tick(now)).gateway(), "then the next gateway is tried");
    }

    @Test
    void aGatewayThatTakesTheConnectionButNeverWelcomesIsLeft() {
        connectAndHello(G1);
        assertFalse(core.tick(now.plus(SessionCore.PONG_PATIENCE)).contains(new Action.Close(connection)));
        assertTrue(core.tick(now.plus(SessionCore.PONG_PATIENCE).plusMillis(1)).contains(new Action.Close(connection)));
        assertEquals("no welcome within 5 s", assertInstanceOf(Failover.State.Waiting.class, heard.lastState()).why());
    }

    // ---- restart and resume ----

    @Test
    void aRestartResumesWithTheRememberedTokenAndJoinsItsRoomsAfresh() {
        core = new SessionCore("alice", List.of(G1, G2), new SplittableRandom(11), heard, "remembered");
        core.join("lobby");
        assertEquals("remembered", connectAndHello(G1).session());
        ClientFrame.Join join = only(ClientFrame.Join.class, welcome());
        assertNull(join.after(), "nothing was shown: the join asks for the room's recent history");
    }

    @Test
    void aRoomWhoseReplayNeverCameIsRejoinedFromWhereItsLiveStreamBeganWithTheHistoryBelowIt() {
        welcomedOn(G1);
        ClientFrame.Join join = only(ClientFrame.Join.class, core.join("lobby"));
        core.received(connection, new ServerFrame.Joined("lobby", List.of("alice"), 20, join.ref()), now);
        core.lost(connection, "connection closed", now);

        connectAndHello(G2);
        List<ClientFrame> out = frames(welcome());
        assertEquals(new ClientFrame.Join("lobby", 19L, join.ref()), out.get(0));
        assertEquals(new ClientFrame.History("lobby", null, 20L, 50, null), out.get(1));
    }

    // ---- replays ----

    @Test
    void liveMessagesThatComeDuringARejoinsReplayAreShownAfterIt() {
        inLobbyHaving(G1, 4);
        core.lost(connection, "connection closed", now);
        connectAndHello(G2);
        ClientFrame.Join rejoin = only(ClientFrame.Join.class, welcome());

        core.received(connection, message(9), now);
        assertEquals(List.of(4L), heard.shownSoFar(), "held back while the replay is on its way");
        core.received(connection, new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()), now);
        core.received(connection, history(rejoin.ref(), false, message(6), message(8)), now);
        assertEquals(List.of(4L, 6L, 8L, 9L), heard.shownSoFar(), "the replay first, then what came live meanwhile");
        assertEquals(List.of(4L, 6L, 8L, 9L), core.entries("lobby").stream().map(Timeline.Entry::seq).toList());
    }

    @Test
    void aReplayTheHistoryServiceCouldNotGiveIsAskedAgainFromWhereItWasOwedWithGrowingWaits() {
        rejoinedOnTheNextGatewayWithoutItsReplay();
        core.received(connection, message(9), now);
        core.received(connection, message(12), now);
        assertEquals(List.of(4L, 9L, 12L), heard.shownSoFar(), "live messages go on while the history service is away");

        Instant unavailableAt = now;
        assertEquals(List.of(), joins(core.tick(unavailableAt.plusMillis(999))), "the first wait is a second");
        now = unavailableAt.plus(SessionCore.REPLAY_RETRY_FIRST);
        ClientFrame.Join retry = only(ClientFrame.Join.class, core.tick(now));
        assertEquals(4L, retry.after(), "asked from where it was owed, whatever came live");
        core.received(connection, history(retry.ref(), true), now);
        core.received(connection, message(13), now);
        assertEquals(List.of(4L, 9L, 12L, 13L), heard.shownSoFar(), "a retry holds nothing back");

        Instant secondUnavailableAt = now;
        assertEquals(List.of(), joins(core.tick(secondUnavailableAt.plusMillis(1_999))), "then two seconds");
        now = secondUnavailableAt.plusSeconds(2);
        ClientFrame.Join again = only(ClientFrame.Join.class, core.tick(now));
        assertEquals(4L, again.after());
        core.received(connection, history(again.ref(), false, message(6), message(8), message(9), message(12)), now);
        assertEquals(List.of(4L, 9L, 12L, 13L, -6L, -8L), heard.shownSoFar(), "the owed messages fill the gap, once each");

        core.lost(connection, "connection closed", now);
        connectAndHello(G1);
        assertEquals(13L, only(ClientFrame.Join.class, welcome()).after(), "nothing is owed once a replay came whole");
    }

    @Test
    void aReplayStillOwedWhenTheGatewayIsLostIsAskedFromTheSamePlaceOnTheNext() {
        rejoinedOnTheNextGatewayWithoutItsReplay();
        core.received(connection, message(9), now);

        core.lost(connection, "connection closed", now);
        connectAndHello(G1);
        assertEquals(4L, only(ClientFrame.Join.class, welcome()).after());
    }

    // ---- takeover ----

    @Test
    void anotherClientTakingTheSessionOverEndsIt() {
        welcomedOn(G1);
        core.received(connection, new ServerFrame.Bye("resumed elsewhere", null), now);
        assertTrue(core.ended());
        assertEquals(List.of("another client took over the session of alice (it was started again elsewhere)"),
            heard.refusals);
    }

    @Test
    void aTakeoverWithinTwoMinutesOfAnAbandonedHelloResumesAgainAndOneAfterThemEndsTheSession() {
        connectAndHello(G1);
        now = now.plus(SessionCore.PONG_PATIENCE).plusMillis(1);
        core.tick(now);
        assertEquals("no welcome within 5 s", assertInstanceOf(Failover.State.Waiting.class, heard.lastState()).why());
        Instant abandoned = now;
        connectAndHello(G2);
        welcome();

        core.received(connection, new ServerFrame.Bye("resumed elsewhere", null), now);
        assertFalse(core.ended(), "most likely its own abandoned hello, taken up late");
        assertEquals("the session was taken over by a connection this client had given up on",
            assertInstanceOf(Failover.State.Waiting.class, heard.lastState()).why());

        assertEquals("s1", connectAndHello(G1).session(), "it resumes again");
        welcome();
        now = abandoned.plus(SessionCore.OWN_TAKEOVER_WINDOW);
        core.received(connection, new ServerFrame.Bye("resumed elsewhere", null), now);
        assertTrue(core.ended(), "past the window another client holds it");
    }

    // ---- sign-in ----

    @Test
    void aRefusedResumeSignsInWithTheCredentialsOnTheSameConnection() {
        core.signIn(new Credentials.Password("correct horse battery"));
        assertEquals("correct horse battery", connectAndHello(G1).password());
        core.received(connection, new ServerFrame.Welcome("alice", "s1", "gw1", true, null), now);
        core.lost(connection, "connection closed", now);

        ClientFrame.Hello resume = connectAndHello(G2);
        assertNull(resume.password());
        ClientFrame.Hello signIn = only(ClientFrame.Hello.class,
            core.received(connection, new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null), now));
        assertEquals("correct horse battery", signIn.password());
        assertNull(signIn.session());
    }

    @Test
    void noGatewayIsTriedWhileCredentialsAreAwaited() {
        core.signInFirst();
        assertEquals(List.of(), core.start(now));
        assertEquals(List.of(), core.tick(now.plus(Duration.ofMinutes(5))), "however long the user takes");
        core.signIn(new Credentials.Password("correct horse battery"));
        assertEquals(G1, only(Action.Connect.class, core.tick(now.plus(Duration.ofMinutes(5)))).gateway());
    }

    // ---- helpers ----

    /**
     * In the lobby with seq 4 shown, the gateway is lost, and the next one's rejoin replay is one the history service
     * could not give.
     */
    private void rejoinedOnTheNextGatewayWithoutItsReplay() {
        inLobbyHaving(G1, 4);
        core.lost(connection, "connection closed", now);
        connectAndHello(G2);
        ClientFrame.Join rejoin = only(ClientFrame.Join.class, welcome());
        core.received(connection, new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()), now);
        core.received(connection, history(rejoin.ref(), true), now);
    }

    /** Lets the failover's wait pass, opens the connection it asks for and returns the hello sent on it. */
    private ClientFrame.Hello connectAndHello(Failover.Gateway expected) {
        now = now.plus(FIRST_RETRY);
        List<Action> out = heard.states.isEmpty() ? core.start(now) : core.tick(now);
        Action.Connect connect = only(Action.Connect.class, out);
        assertEquals(expected, connect.gateway());
        connection = connect.connection();
        return only(ClientFrame.Hello.class, core.opened(connection, now));
    }

    private List<Action> welcome() {
        List<Action> out = core.received(connection, new ServerFrame.Welcome("alice", "s1", "gw1", false, null), now);
        assertInstanceOf(Failover.State.Connected.class, heard.lastState());
        return out;
    }

    private void welcomedOn(Failover.Gateway gateway) {
        connectAndHello(gateway);
        welcome();
    }

    /** Welcomed on {@code gateway}, in the lobby, with the message of seq {@code seq} shown. */
    private void inLobbyHaving(Failover.Gateway gateway, long seq) {
        welcomedOn(gateway);
        ClientFrame.Join join = only(ClientFrame.Join.class, core.join("lobby"));
        core.received(connection, new ServerFrame.Joined("lobby", List.of("alice"), 0, join.ref()), now);
        core.received(connection, history(join.ref(), false, message(seq)), now);
        assertEquals(List.of(seq), heard.shownSoFar());
    }

    private List<ClientFrame> frames(List<Action> actions) {
        List<ClientFrame> frames = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.Send s) {
                assertEquals(connection, s.connection(), "sent on the connection in use");
                frames.add(s.frame());
            }
        }
        return frames;
    }

    private List<ClientFrame.Join> joins(List<Action> actions) {
        return frames(actions).stream().filter(ClientFrame.Join.class::isInstance).map(ClientFrame.Join.class::cast)
            .toList();
    }

    /** The one action or sent frame of {@code type} among {@code actions}. */
    private <T> T only(Class<T> type, List<Action> actions) {
        List<Object> all = new ArrayList<>(actions);
        all.addAll(frames(actions));
        List<T> matching = all.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, matching.size(), "one " + type.getSimpleName() + " in " + actions);
        return matching.getFirst();
    }

    private static ServerFrame message(long seq) {
        return new ServerFrame.Message("lobby", "bob", "line " + seq, "b-" + seq, seq, "2026-11-23T10:00:00Z");
    }

    private static ServerFrame history(String ref, boolean unavailable, ServerFrame... messages) {
        return new ServerFrame.History("lobby", null, List.of(messages), false, unavailable, ref);
    }
}
