package chat.client.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Timeline lobby = new Timeline("lobby", "alice", 5);

    private static ServerFrame.Message message(String from, String id, long seq) {
        return new ServerFrame.Message("lobby", from, "text " + id, id, seq, "2026-11-23T10:00:00.000Z");
    }

    private List<String> ids() {
        return lobby.entries().stream().map(Timeline.Entry::id).toList();
    }

    @Test
    void aMessageIsShownOnceWhetherLiveReplayedOrResentAfterAFailover() {
        assertTrue(lobby.receive(message("bob", "b1", 10)));
        assertTrue(lobby.receive(message("bob", "b2", 12)));
        // The replay after a failover brings both again, and one that was missed.
        assertFalse(lobby.receive(message("bob", "b1", 10)));
        assertTrue(lobby.receive(message("carol", "c1", 11)));
        assertFalse(lobby.receive(message("BOB", "b2", 12)), "nicks are one whatever their case");
        assertEquals(List.of("b1", "c1", "b2"), ids(), "in seq order");
        assertEquals(12, lobby.lastSeq());
        assertEquals(10, lobby.firstSeq());
    }

    @Test
    void ownMessagesShowAtOnceAndTakeTheirPlaceWhenAcked() {
        lobby.receive(message("bob", "b1", 10));
        lobby.said("a1", "hello", "2026-11-23T10:00:01.000Z");
        lobby.sent("a1", T0);
        assertEquals(Timeline.State.PENDING, lobby.entries().getLast().state());
        assertNull(lobby.entries().getLast().seq());

        lobby.acked("a1", 11, "2026-11-23T10:00:01.100Z");
        assertFalse(lobby.receive(message("alice", "a1", 11)), "the message after its ack is not shown twice");
        assertEquals(List.of("b1", "a1"), ids());
        assertEquals(Timeline.State.CONFIRMED, lobby.entries().getLast().state());
        assertEquals(List.of(), lobby.unacked());
    }

    @Test
    void anAckDoesNotMoveTheSeqToRejoinAfter() {
        lobby.receive(message("bob", "b1", 40));
        lobby.said("a1", "hi", "2026-11-23T10:00:01.000Z");
        // The ack for seq 42 comes before bob's message at 41 is delivered, and then the gateway dies.
        lobby.acked("a1", 42, "2026-11-23T10:00:01.100Z");
        assertEquals(40, lobby.lastSeq(), "a rejoin after 40 brings 41");
        assertTrue(lobby.receive(message("bob", "b2", 41)));
        assertFalse(lobby.receive(message("alice", "a1", 42)));
        assertEquals(42, lobby.lastSeq());
        assertEquals(List.of("b1", "b2", "a1"), ids());
    }

    @Test
    void anUnackedMessageIsResentUnderItsIdAndShownOnce() {
        lobby.said("a1", "are you there?", "2026-11-23T10:00:01.000Z");
        lobby.sent("a1", T0);
        lobby.failed("a1");
        assertEquals(Timeline.State.FAILED, lobby.entries().getLast().state());
        assertEquals(List.of("a1"), lobby.unacked().stream().map(Timeline.Entry::id).toList());

        lobby.sent("a1", T0.plusSeconds(30));
        assertEquals(Timeline.State.PENDING, lobby.entries().getLast().state());
        // The first send did reach Kafka after all: the replay brings it, and its resend's ack comes too.
        assertTrue(lobby.receive(message("alice", "a1", 20)));
        lobby.acked("a1", 20, "2026-11-23T10:00:02.000Z");
        assertEquals(List.of("a1"), ids());
    }

    @Test
    void theOldestAreForgottenPastTheCapacity() {
        for (long seq = 1; seq <= 7; seq++) {
            lobby.receive(message("bob", "b" + seq, seq));
        }
        assertEquals(List.of("b3", "b4", "b5", "b6", "b7"), ids());
        assertEquals(3, lobby.firstSeq());
    }

    @Test
    void aNoticeKeepsItsPlaceAfterTheMessagesShownBeforeIt() {
        lobby.receive(message("bob", "b1", 10));
        lobby.receive(message("bob", "b3", 30));
        lobby.note("carol joined lobby", "2026-11-23T10:00:02.000Z");
        // A message older than the notice, brought late by a replay, goes before it; a newer one after it.
        assertTrue(lobby.receive(message("bob", "b2", 20)));
        assertTrue(lobby.receive(message("bob", "b4", 40)));
        assertEquals(List.of("b1", "b2", "b3", "carol joined lobby", "b4"),
            lobby.entries().stream().map(e -> e.isNotice() ? e.text() : e.id()).toList());
        assertEquals(40, lobby.lastSeq(), "a notice is no message");
        assertEquals(10, lobby.firstSeq());
    }

    @Test
    void aRetrySendsOnlyTheFailedMessagesAgain() {
        lobby.said("a1", "first", "2026-11-23T10:00:01.000Z");
        lobby.said("a2", "second", "2026-11-23T10:00:02.000Z");
        lobby.sent("a1", T0);
        lobby.sent("a2", T0);
        lobby.failed("a1");
        assertEquals(List.of("a1"), lobby.retryFailed().stream().map(Timeline.Entry::id).toList());
        assertEquals(List.of(Timeline.State.QUEUED, Timeline.State.PENDING), states(),
            "queued again until it is sent");
        assertEquals(List.of(), lobby.retryFailed(), "nothing has failed any more");
    }

    private List<Timeline.State> states() {
        return lobby.entries().stream().map(Timeline.Entry::state).toList();
    }

    @Test
    void aMessageSaidWithNoGatewayIsQueuedAndWaitsForItsAckOnlyOnceSent() {
        lobby.said("a1", "typed offline", "2026-11-23T10:00:00.000Z");
        assertEquals(List.of(Timeline.State.QUEUED), states());

        // An hour without a gateway: nothing was sent, so no ack is late.
        assertFalse(lobby.giveUpOnLateAcks(T0.plus(Duration.ofHours(1))));
        assertEquals(List.of(Timeline.State.QUEUED), states());

        Instant sent = T0.plus(Duration.ofHours(1));
        lobby.sent("a1", sent);
        assertEquals(List.of(Timeline.State.PENDING), states());
        assertFalse(lobby.giveUpOnLateAcks(sent.plus(Timeline.ACK_PATIENCE)), "10 s is still patience");
        assertEquals(List.of(Timeline.State.PENDING), states());
        assertTrue(lobby.giveUpOnLateAcks(sent.plus(Timeline.ACK_PATIENCE).plusMillis(1)));
        assertEquals(List.of(Timeline.State.FAILED), states());
        assertFalse(lobby.giveUpOnLateAcks(sent.plus(Duration.ofMinutes(1))), "failed once");
    }

    @Test
    void aMessageSentToAGatewayThatIsLostIsQueuedAgainAndItsPatienceStartsOverWhenResent() {
        lobby.said("a1", "sent as the gateway died", "2026-11-23T10:00:00.000Z");
        lobby.said("a2", "failed before", "2026-11-23T10:00:00.000Z");
        lobby.sent("a1", T0);
        lobby.sent("a2", T0);
        lobby.failed("a2");

        assertTrue(lobby.requeue());
        assertEquals(List.of(Timeline.State.QUEUED, Timeline.State.FAILED), states(), "a failed one stays failed");
        assertFalse(lobby.giveUpOnLateAcks(T0.plus(Duration.ofMinutes(5))), "no ack is awaited without a gateway");
        assertFalse(lobby.requeue(), "nothing more to queue again");

        Instant resent = T0.plus(Duration.ofMinutes(5));
        lobby.sent("a1", resent);
        assertFalse(lobby.giveUpOnLateAcks(resent.plusSeconds(9)));
        lobby.acked("a1", 12, "2026-11-23T10:05:01.000Z");
        assertEquals(List.of(Timeline.State.CONFIRMED, Timeline.State.FAILED), states());
        assertFalse(lobby.giveUpOnLateAcks(resent.plusSeconds(60)), "an acked message is not failed later");
    }

    @Test
    void aMessageThatWentToAGatewayIsKnownAsSentUntilTheLogHasIt() {
        lobby.said("a1", "queued", "2026-11-23T10:00:00.000Z");
        assertFalse(lobby.wentOut("a1"), "said while no gateway was reached");
        lobby.sent("a1", T0);
        lobby.requeue();
        assertTrue(lobby.wentOut("a1"), "queued again after its gateway was lost, it went out once");
        lobby.sent("a1", T0.plusSeconds(5));
        lobby.failed("a1");
        assertTrue(lobby.wentOut("a1"));
        lobby.acked("a1", 12, "2026-11-23T10:00:06.000Z");
        assertFalse(lobby.wentOut("a1"), "acked: nothing to send again");

        lobby.said("a2", "seen live first", "2026-11-23T10:00:07.000Z");
        lobby.sent("a2", T0.plusSeconds(7));
        lobby.receive(new ServerFrame.Message("lobby", "alice", "seen live first", "a2", 13, "2026-11-23T10:00:07.000Z"));
        assertFalse(lobby.wentOut("a2"));
    }

    @Test
    void anAckAfterTheClientGaveUpStillConfirmsTheMessage() {
        lobby.said("a1", "slow", "2026-11-23T10:00:00.000Z");
        lobby.sent("a1", T0);
        assertTrue(lobby.giveUpOnLateAcks(T0.plusSeconds(11)));
        assertTrue(lobby.awaits("a1"));
        lobby.acked("a1", 7, "2026-11-23T10:00:12.000Z");
        assertEquals(List.of(Timeline.State.CONFIRMED), states());
        assertFalse(lobby.awaits("a1"));
    }
}
