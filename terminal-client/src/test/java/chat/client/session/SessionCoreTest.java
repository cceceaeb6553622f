package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The session's rules with no socket and no thread: the test hands the core what a gateway would send, steps its
 * clock, and reads what it wrote on each connection. Lost gateway, hung gateway, resume, resend and restart are each
 * a few lines of frames.
 */
class SessionCoreTest {
    private static final Failover.Gateway FIRST = new Failover.Gateway("gw1", 7000);
    private static final Failover.Gateway SECOND = new Failover.Gateway("gw2", 7000);
    private static final String TS = "2026-11-23T10:00:00Z";

    private final SteppedClock clock = new SteppedClock();
    private final GatewaysOnPaper network = new GatewaysOnPaper();
    private final List<Failover.State> states = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();
    private final List<String> told = new ArrayList<>();
    private ChatSession.Shown snapshot = ChatSession.Shown.NOTHING;

    private final ChatSession.Listener listener = new ChatSession.Listener() {
        @Override
        public void state(Failover.State state) {
            states.add(state);
        }

        @Override
        public void shown(String stream, Timeline.Entry message) {
            shown.add(stream + " " + message.from() + ": " + message.text());
        }

        @Override
        public void refused(String why) {
            told.add("refused: " + why);
        }

        @Override
        public void notice(String text) {
            told.add("notice: " + text);
        }
    };

    private SessionCore core(String token) {
        SessionCore core = new SessionCore("alice", List.of(FIRST, SECOND), clock, new SplittableRandom(3), listener,
            token, network);
        core.start();
        return core;
    }

    /** Lets the core open its next connection, and welcomes its hello there; returns the connection. */
    private GatewaysOnPaper.Link welcomeOn(SessionCore core, String session) {
        int before = network.openedCount();
        clock.step(Duration.ofSeconds(1));
        core.tick();
        assertEquals(before + 1, network.openedCount(), "the core opened a connection");
        GatewaysOnPaper.Link link = network.last();
        core.connected(link.id);
        link.next(ClientFrame.Hello.class);
        core.frame(link.id, new ServerFrame.Welcome("alice", session, link.target.host(), false, null));
        return link;
    }

    private static ServerFrame.Joined joined(String room, long live, String ref) {
        return new ServerFrame.Joined(room, List.of("alice", "bob"), 2, false, live, ref);
    }

    private ChatSession.Shown publish(SessionCore core) {
        core.publish(s -> snapshot = s);
        return snapshot;
    }

    private List<String> texts(SessionCore core, String stream) {
        return core.entries(stream).stream().map(Timeline.Entry::text).toList();
    }

    @Test
    void theFirstHelloHasNoTokenAndTheNextOneResumesWithTheTokenTheWelcomeGave() {
        SessionCore core = core(null);
        clock.step(Duration.ofSeconds(1));
        core.tick();
        GatewaysOnPaper.Link first = network.last();
        assertEquals(FIRST, first.target);
        core.connected(first.id);
        assertNull(first.next(ClientFrame.Hello.class).session(), "a fresh session has no token to present");
        core.frame(first.id, new ServerFrame.Welcome("alice", "s-1", "gw1", false, null));
        assertInstanceOf(Failover.State.Connected.class, states.getLast());

        core.closed(first.id, "connection lost");
        assertTrue(first.closed, "the connection lost is closed");
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, states.getLast());
        assertEquals(SECOND, waiting.next(), "a lost gateway is left for the next in the list");

        clock.step(Duration.ofSeconds(1));
        core.tick();
        GatewaysOnPaper.Link second = network.last();
        assertEquals(SECOND, second.target);
        core.connected(second.id);
        assertEquals("s-1", second.next(ClientFrame.Hello.class).session(), "the session resumes with its token");
    }

    @Test
    void aRoomIsJoinedAgainOnTheNextGatewayFromTheLastSeqShownAndWhatWasNotAckedGoesAgainUnderItsId() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link first = welcomeOn(core, "s-1");
        core.join("ops");
        ClientFrame.Join join = first.next(ClientFrame.Join.class);
        assertNull(join.after(), "a first join asks for the recent history");
        core.frame(first.id, joined("ops", 10, join.ref()));
        core.frame(first.id, new ServerFrame.History("ops", null,
            List.of(new ServerFrame.Message("ops", "bob", "morning", "b-1", 9, TS)), false, false, join.ref()));
        core.say("ops", "hi all");
        ClientFrame.Say said = first.next(ClientFrame.Say.class);
        assertFalse(said.resend());

        core.closed(first.id, "connection lost");
        GatewaysOnPaper.Link second = welcomeOn(core, "s-1");
        ClientFrame.Join rejoin = second.next(ClientFrame.Join.class);
        assertEquals(9L, rejoin.after(), "the rejoin asks for what came after the last message shown");
        second.nothingMore();

        core.frame(second.id, joined("ops", 12, rejoin.ref()));
        ClientFrame.Say resent = second.next(ClientFrame.Say.class);
        assertEquals(said.id(), resent.id(), "the message not acked goes again under its id");
        assertTrue(resent.resend());
    }

    @Test
    void aMessageResentAfterFailoverIsShownOnceThoughItsAckAndItsCopyBothCome() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link first = welcomeOn(core, "s-1");
        core.join("ops");
        String ref = first.next(ClientFrame.Join.class).ref();
        core.frame(first.id, joined("ops", 0, ref));
        core.frame(first.id, new ServerFrame.History("ops", null, List.of(), false, false, ref));
        core.say("ops", "hi all");
        String id = first.next(ClientFrame.Say.class).id();

        core.closed(first.id, "connection lost");
        GatewaysOnPaper.Link second = welcomeOn(core, "s-1");
        String rejoin = second.next(ClientFrame.Join.class).ref();
        assertEquals(0L, second.next(ClientFrame.History.class).before(),
            "with nothing shown, what lay below the first join's live start is asked too");
        core.frame(second.id, joined("ops", 1, rejoin));
        second.next(ClientFrame.Say.class);
        // The first gateway had written it before it died: the replay brings it, and then the resend's ack and copy.
        core.frame(second.id, new ServerFrame.History("ops", null,
            List.of(new ServerFrame.Message("ops", "alice", "hi all", id, 0, TS)), false, false, rejoin));
        core.frame(second.id, new ServerFrame.Ack(id, 0, TS, id));
        core.frame(second.id, new ServerFrame.Message("ops", "alice", "hi all", id, 0, TS));

        assertEquals(List.of("hi all"), texts(core, "ops"));
        assertEquals(List.of("ops alice: hi all"), shown, "told once that it took its place");
    }

    @Test
    void liveMessagesThatComeWhileARejoinReplayIsOnItsWayAreShownAfterIt() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        core.join("ops");
        String ref = link.next(ClientFrame.Join.class).ref();
        core.frame(link.id, joined("ops", 5, ref));
        core.frame(link.id, new ServerFrame.Message("ops", "bob", "live", "b-6", 5, TS));
        assertEquals(List.of(), texts(core, "ops"), "held back until the replay is shown");

        core.frame(link.id, new ServerFrame.History("ops", null,
            List.of(new ServerFrame.Message("ops", "carol", "older", "c-4", 4, TS)), false, false, ref));
        assertEquals(List.of("older", "live"), texts(core, "ops"));
    }

    @Test
    void aGatewayThatAnswersNoPingIsLeftAfterFiveSeconds() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        clock.step(Duration.ofSeconds(2));
        core.tick();
        link.next(ClientFrame.Ping.class);
        clock.step(Duration.ofSeconds(4));
        core.tick();
        assertInstanceOf(Failover.State.Connected.class, states.getLast(), "four seconds is not yet too long");

        clock.step(Duration.ofSeconds(1));
        core.tick();
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, states.getLast());
        assertTrue(waiting.why().startsWith("no pong"), waiting.why());
        assertTrue(link.closed);
    }

    @Test
    void eachChangeOfTheConnectionsStateIsToldOnce() {
        SessionCore core = core(null);
        welcomeOn(core, "s-1");
        clock.step(Duration.ofSeconds(2));
        core.tick();
        clock.step(Duration.ofSeconds(5));
        core.tick();
        core.tick();
        assertEquals(List.of(Failover.State.Connecting.class, Failover.State.Connected.class,
            Failover.State.Waiting.class), states.stream().map(Object::getClass).toList());
    }

    @Test
    void aPongKeepsTheGatewayHowEverLongItsFrameTakesToBeReached() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        clock.step(Duration.ofSeconds(2));
        core.tick();
        link.next(ClientFrame.Ping.class);
        core.ponged(link.id);
        clock.step(Duration.ofSeconds(6));
        core.tick();
        assertInstanceOf(Failover.State.Connected.class, states.getLast());
        link.next(ClientFrame.Ping.class);
    }

    @Test
    void aHungGatewayWhoseSocketTakesNoMoreBytesNeverHoldsTheUserUpAndIsLeftForItsSilence() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        link.stuck = true;
        for (int i = 0; i < 5; i++) {
            core.say("@bob", "are you there? " + i);
        }
        assertEquals(5, texts(core, "@bob").stream().filter(t -> t.startsWith("are you there?")).count(),
            "what the user says is shown at once");
        assertFalse(link.closed);

        for (int second = 0; second < 8 && states.getLast() instanceof Failover.State.Connected; second++) {
            clock.step(Duration.ofSeconds(1));
            core.tick();
        }
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, states.getLast());
        assertTrue(waiting.why().startsWith("no pong"), waiting.why());
        assertTrue(link.closed);

        GatewaysOnPaper.Link next = welcomeOn(core, "s-1");
        for (int i = 0; i < 5; i++) {
            assertEquals("are you there? " + i, next.nextBesidesPings(ClientFrame.Dm.class).text(),
                "what waited unwritten goes to the next gateway");
        }
    }

    @Test
    void aGatewayThatLeavesTwoBurstsOfTheLongestLinesUnreadIsLeftAtOnce() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        link.stuck = true;
        String longest = "x".repeat(chat.protocol.Limits.MAX_LINE_BYTES);
        for (int i = 0; i < 4 * SendPacer.BURST && !link.closed; i++) {
            core.say("@bob", longest);
            clock.step(Duration.ofMillis(100));
            core.tick();
        }
        assertTrue(link.closed, "the gateway was given up");
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, states.getLast());
        assertTrue(waiting.why().contains("takes nothing more"), waiting.why());
    }

    @Test
    void aGatewayThatTakesTheConnectionButNeverWelcomesIsLeft() {
        SessionCore core = core(null);
        clock.step(Duration.ofSeconds(1));
        core.tick();
        GatewaysOnPaper.Link link = network.last();
        core.connected(link.id);
        clock.step(Duration.ofSeconds(6));
        core.tick();
        Failover.State.Waiting waiting = assertInstanceOf(Failover.State.Waiting.class, states.getLast());
        assertTrue(waiting.why().startsWith("no welcome"), waiting.why());
    }

    @Test
    void aConnectionThatOpensAfterTheSessionGaveUpOnItIsClosedUnused() {
        SessionCore core = core(null);
        clock.step(Duration.ofSeconds(1));
        core.tick();
        GatewaysOnPaper.Link slow = network.last();
        // The gateway takes the connection but not the hello in time, and the session goes on to the next.
        clock.step(Duration.ofSeconds(6));
        core.tick();
        core.connected(slow.id);
        assertTrue(slow.closed);
        assertTrue(slow.written.isEmpty(), "no hello goes on a connection given up on");
    }

    @Test
    void aRestartedSessionPresentsItsRememberedTokenAndAsksEachRoomForItsRecentHistory() {
        SessionCore core = core("s-remembered");
        core.join("ops");
        GatewaysOnPaper.Link link = welcomeOn(core, "s-remembered");
        ClientFrame.Join join = link.next(ClientFrame.Join.class);
        assertNull(join.after(), "nothing was shown since the restart");
        core.frame(link.id, joined("ops", 3, join.ref()));
        core.frame(link.id, new ServerFrame.History("ops", null,
            List.of(new ServerFrame.Message("ops", "bob", "before the restart", "b-2", 2, TS)), false, false,
            join.ref()));
        assertEquals(List.of("before the restart"), texts(core, "ops"));
    }

    @Test
    void anotherClientTakingTheSessionOverEndsItForGood() {
        SessionCore core = core(null);
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        core.frame(link.id, new ServerFrame.Bye("resumed elsewhere", null));
        assertFalse(core.running());
        assertTrue(link.closed);
        assertTrue(told.getLast().startsWith("refused: another client took over"), told.getLast());
        clock.step(Duration.ofSeconds(30));
        core.tick();
        assertEquals(1, network.openedCount(), "no gateway is tried again");
    }

    @Test
    void whatIsSaidWhileNoGatewayIsReachedIsShownAtOnceAndSentOnceOneIs() {
        SessionCore core = core(null);
        core.say("@bob", "are you there?");
        assertEquals(List.of("are you there?"), texts(core, "@bob"));
        GatewaysOnPaper.Link link = welcomeOn(core, "s-1");
        assertEquals("are you there?", link.nextBesidesPings(ClientFrame.Dm.class).text());
    }

    @Test
    void theSnapshotHoldsEveryChangeBeforeTheListenerHearsOfIt() {
        List<String> heard = new ArrayList<>();
        SessionCore core = new SessionCore("alice", List.of(FIRST), clock, new SplittableRandom(3),
            new ChatSession.Listener() {
                @Override
                public void changed(String stream) {
                    heard.add(stream + " " + snapshot.entries(stream).size());
                }
            }, null, network);
        core.start();
        core.say("@bob", "one");
        core.say("@bob", "two");
        assertEquals(List.of(), heard, "nothing is told before the turn ends");
        ChatSession.Shown first = publish(core);
        assertEquals(List.of("@bob 2"), heard, "a burst of changes is told once, with the snapshot holding them");
        assertEquals(List.of("@bob"), first.streams());

        core.publish(s -> snapshot = s);
        assertEquals(1, heard.size(), "nothing changed, nothing is told");
        core.part("@bob");
        assertEquals(List.of(), publish(core).streams());
        assertEquals(List.of(), snapshot.entries("@bob"));
        assertEquals(2, first.entries("@bob").size(), "a snapshot handed out never changes");
    }
}
