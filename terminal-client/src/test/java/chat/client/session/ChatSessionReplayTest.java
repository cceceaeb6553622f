package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a room shows across a failover, with a gateway the test plays over a real socket and a clock it steps: the live
 * messages that come before the rejoin's replay are shown after it, never above what was shown, and a replay the
 * history service could not give is asked again from where it was owed, however much came live meanwhile.
 */
class ChatSessionReplayTest {
    private final ScriptedGateway gateway = new ScriptedGateway();
    private final SteppedClock clock = new SteppedClock();
    /**
     * The seq of every message the session showed in the lobby, in the order it showed them; negated for one that
     * filled a gap.
     */
    private final BlockingQueue<Long> shown = new LinkedBlockingQueue<>();
    /** The same, for the direct conversation with bob. */
    private final BlockingQueue<Long> shownWithBob = new LinkedBlockingQueue<>();
    private final BlockingQueue<Failover.State> states = new LinkedBlockingQueue<>();
    private final ChatSession session = new ChatSession("alice", List.of(gateway.address()), clock,
        new SplittableRandom(5), new ChatSession.Listener() {
            @Override
            public void state(Failover.State state) {
                states.add(state);
            }

            @Override
            public void shown(String stream, Timeline.Entry message) {
                (stream.equals("lobby") ? shown : shownWithBob).add(message.seq());
            }

            @Override
            public void filledIn(String stream, Timeline.Entry message) {
                (stream.equals("lobby") ? shown : shownWithBob).add(-message.seq());
            }
        });

    ChatSessionReplayTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        session.close();
        gateway.close();
    }

    @Test
    void liveMessagesThatComeBeforeTheReplayAreShownAfterIt() throws Exception {
        inLobbyHaving(List.of(4L));
        failOver();
        ClientFrame.Join rejoin = gateway.expect(ClientFrame.Join.class);
        assertEquals(4L, rejoin.after(), "the rejoin asks from the last message shown");

        // The session is in its rooms from the welcome on: a live message can overtake the replay.
        gateway.send(message(9));
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()),
            history(List.of(message(6), message(8)), false, rejoin.ref()));
        assertEquals(List.of(6L, 8L, 9L), next(3), "the replay first, then what came live meanwhile");
    }

    @Test
    void heldBackMessagesAndTheReplayAreShownTogetherInSeqOrder() throws Exception {
        inLobbyHaving(List.of(4L));
        failOver();
        ClientFrame.Join rejoin = gateway.expect(ClientFrame.Join.class);
        // Sent live just before the join, and not in the replay, which holds one said after it.
        gateway.send(message(7));
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()),
            history(List.of(message(6), message(8)), false, rejoin.ref()));
        assertEquals(List.of(6L, 7L, 8L), next(3), "never one above a message already shown");
    }

    @Test
    void aReplayTheHistoryServiceCouldNotGiveIsAskedAgainFromWhereItWasOwed() throws Exception {
        inLobbyHaving(List.of(4L));
        failOver();
        ClientFrame.Join rejoin = gateway.expect(ClientFrame.Join.class);
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()),
            unavailable(rejoin.ref()), message(9), message(12));
        assertEquals(List.of(9L, 12L), next(2), "live messages go on while the history service is away");

        clock.step(Duration.ofMillis(1_100));
        ClientFrame.Join retry = gateway.expect(ClientFrame.Join.class);
        assertEquals(4L, retry.after(), "the gap below the live messages is still owed");
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 13, retry.ref()), unavailable(retry.ref()),
            message(13));
        assertEquals(List.of(13L), next(1), "not held back behind a retry's replay");

        clock.step(Duration.ofMillis(1_100));
        assertNull(gateway.nextWithin(Duration.ofMillis(300)), "the second wait is twice the first");
        clock.step(Duration.ofMillis(1_000));
        ClientFrame.Join again = gateway.expect(ClientFrame.Join.class);
        assertEquals(4L, again.after());
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 13, again.ref()),
            history(List.of(message(6), message(8), message(9), message(12), message(13)), false, again.ref()));
        assertEquals(List.of(-6L, -8L), next(2), "the owed messages, once each, told as filling the gap");

        failOver();
        assertEquals(13L, gateway.expect(ClientFrame.Join.class).after(), "nothing is owed once a replay came whole");
    }

    @Test
    void aJoinKafkaDidNotTakeIsSentAgainAndWhatItHeldBackIsShown() throws Exception {
        inLobbyHaving(List.of(4L));
        failOver();
        ClientFrame.Join rejoin = gateway.expect(ClientFrame.Join.class);
        gateway.send(message(7), new ServerFrame.Error(ErrorCode.UNAVAILABLE, "Kafka did not take it", rejoin.ref()));
        assertEquals(List.of(7L), next(1), "nothing stays held back behind a refused join");

        clock.step(Duration.ofMillis(1_100));
        assertEquals(4L, gateway.expect(ClientFrame.Join.class).after());
    }

    @Test
    void aConversationsNewestPageTheHistoryServiceCouldNotGiveIsAskedAgainAndFillsTheGap() throws Exception {
        welcomedToAnAccount();
        session.openConversation("bob");
        ClientFrame.History first = gateway.expect(ClientFrame.History.class);
        assertEquals(List.of("bob", "newest"), List.of(first.with(), first.before() == null ? "newest" : "older"));
        gateway.send(conversation(List.of(), true, first.ref()), dm(9));
        assertEquals(List.of(9L), nextInConversation(1), "live messages go on while the history service is away");

        clock.step(Duration.ofMillis(1_100));
        ClientFrame.History again = gateway.expect(ClientFrame.History.class);
        assertEquals(List.of("bob", "newest"), List.of(again.with(), again.before() == null ? "newest" : "older"));
        gateway.send(conversation(List.of(dm(6), dm(9)), false, again.ref()));
        assertEquals(List.of(-6L), nextInConversation(1), "what was missed, told as filling the gap, once");

        clock.step(Duration.ofSeconds(5));
        assertNull(gateway.nextWithin(Duration.ofMillis(300)), "nothing more is owed");
    }

    @Test
    void aConversationOpenedByALiveMessageShowsTheOlderMessagesOfItsPageFirst() throws Exception {
        welcomedToAnAccount();
        gateway.send(dm(9));
        ClientFrame.History page = gateway.expect(ClientFrame.History.class);
        assertEquals(List.of("bob", "newest"), List.of(page.with(), page.before() == null ? "newest" : "older"));
        gateway.send(new ServerFrame.History(null, "bob", List.of(dm(6), dm(8), dm(9)), true, false, page.ref()));
        assertEquals(List.of(6L, 8L, 9L), nextInConversation(3),
            "the page first (older messages lie below it), then the message that opened it");
        gateway.send(dm(10));
        assertEquals(List.of(10L), nextInConversation(1), "and the live messages after it");
    }

    @Test
    void aCatchUpTheGatewayDroppedAsOverItsRateIsAskedAgain() throws Exception {
        welcomedToAnAccount();
        gateway.send(dm(9));
        ClientFrame.History page = gateway.expect(ClientFrame.History.class);
        gateway.send(new ServerFrame.Error(ErrorCode.RATE_LIMITED, "more than 20 frames a second", page.ref()));
        assertEquals(List.of(9L), nextInConversation(1), "nothing stays held back behind a dropped page");

        clock.step(Duration.ofMillis(1_100));
        ClientFrame.History again = gateway.expect(ClientFrame.History.class);
        gateway.send(conversation(List.of(dm(6), dm(9)), false, again.ref()));
        assertEquals(List.of(-6L), nextInConversation(1), "what the dropped page would have shown fills the gap");
    }

    private void welcomedToAnAccount() throws Exception {
        session.start();
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "s1", "gw1", true, null));
    }

    @Test
    void aMessageSentBeforeTheFailoverGoesAgainAsAResendAndANewOneDoesNot() throws Exception {
        inLobbyHaving(List.of(4L));
        session.say("lobby", "before");
        ClientFrame.Say first = gateway.expect(ClientFrame.Say.class);
        assertFalse(first.resend(), "the first time it is said");
        failOver();
        session.say("lobby", "after");
        ClientFrame.Join rejoin = gateway.expect(ClientFrame.Join.class);
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 9, rejoin.ref()),
            history(List.of(), false, rejoin.ref()));
        ClientFrame.Say again = gateway.expect(ClientFrame.Say.class);
        ClientFrame.Say fresh = gateway.expect(ClientFrame.Say.class);
        assertEquals(List.of(first.id(), true), List.of(again.id(), again.resend()), "sent before: it may be in the log");
        assertEquals(List.of("after", false), List.of(fresh.text(), fresh.resend()), "never sent: not a resend");
    }

    /** The gateway drops the connection; the session, once it waits to try again, is let connect and welcomed. */
    private void failOver() throws Exception {
        states.clear();
        gateway.drop();
        for (Failover.State state = next(states); !(state instanceof Failover.State.Waiting); state = next(states)) {
            // Until the session has seen the connection go.
        }
        clock.step(Duration.ofMillis(600));
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "s1", "gw1", false, null));
    }

    /** Welcomed, in the lobby, with the messages of {@code seqs} shown; the gateway's first connection. */
    private void inLobbyHaving(List<Long> seqs) throws Exception {
        session.start();
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "s1", "gw1", false, null));
        session.join("lobby");
        ClientFrame.Join join = gateway.expect(ClientFrame.Join.class);
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice"), 0, join.ref()),
            history(seqs.stream().map(ChatSessionReplayTest::message).toList(), false, join.ref()));
        assertEquals(seqs, next(seqs.size()));
    }

    private static Failover.State next(BlockingQueue<Failover.State> states) throws InterruptedException {
        Failover.State state = states.poll(10, TimeUnit.SECONDS);
        if (state == null) {
            throw new AssertionError("the session did not see its connection go within 10 s");
        }
        return state;
    }

    private List<Long> next(int count) throws InterruptedException {
        return next(shown, count);
    }

    private List<Long> nextInConversation(int count) throws InterruptedException {
        return next(shownWithBob, count);
    }

    private static List<Long> next(BlockingQueue<Long> shown, int count) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Long seq = shown.poll(10, TimeUnit.SECONDS);
            if (seq == null) {
                throw new AssertionError("only " + seqs + " shown within 10 s");
            }
            seqs.add(seq);
        }
        return seqs;
    }

    private static ServerFrame message(long seq) {
        return new ServerFrame.Message("lobby", "bob", "line " + seq, "b-" + seq, seq, "2026-11-23T10:00:00Z");
    }

    private static ServerFrame dm(long seq) {
        return new ServerFrame.Dm("bob", "alice", "psst " + seq, "d-" + seq, seq, "2026-11-23T10:00:00Z");
    }

    private static ServerFrame conversation(List<ServerFrame> messages, boolean unavailable, String ref) {
        return new ServerFrame.History(null, "bob", messages, false, unavailable, ref);
    }

    private static ServerFrame history(List<ServerFrame> messages, boolean more, String ref) {
        return new ServerFrame.History("lobby", null, messages, more, false, ref);
    }

    private static ServerFrame unavailable(String ref) {
        return new ServerFrame.History("lobby", null, List.of(), false, true, ref);
    }
}
