package chat.client.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the session tells the screen is coalesced, never dropped: a burst of any size leaves the newest of each thing,
 * and the counts of all of it.
 */
class ScreenUpdatesTest {
    private final ScreenUpdates updates = new ScreenUpdates(ChatView.mentionsOf("alice"));

    @Test
    void aBurstIsTakenAsTheNewestOfEachThingWithEveryArrivalCounted() throws Exception {
        for (int i = 0; i < 50_000; i++) {
            updates.arrived("lobby", entry(i, "line " + i));
            updates.showing("lobby", List.of(entry(i, "line " + i)));
            updates.state(new Failover.State.Connecting(new Failover.Gateway("gw", i), i));
        }
        updates.arrived("lobby", entry(50_000, "alice: look"));
        updates.arrived("@bob", entry(1, "hi"));

        ScreenUpdates.Batch batch = updates.take(Duration.ZERO);
        assertEquals(Map.of("lobby", new ScreenUpdates.Unread(50_001, true), "@bob", new ScreenUpdates.Unread(1, true)),
            batch.unread, "every arrival counted; a mention, and any direct message, marks its stream");
        assertEquals(List.of(entry(49_999, "line 49999")), batch.showing.get("lobby"), "the newest copy");
        assertEquals(new Failover.State.Connecting(new Failover.Gateway("gw", 49_999), 49_999), batch.connection);
        assertNull(updates.take(Duration.ZERO), "nothing is left once taken");
    }

    @Test
    void theLastWordOnEachStreamIsKeptInOrderAndAClosedStreamsNewsGoesWithIt() throws Exception {
        updates.opened("lobby");
        updates.opened("ops");
        updates.members("ops", List.of("alice", "bob"));
        updates.arrived("ops", entry(1, "hi"));
        updates.closed("ops");
        updates.closed("lobby");
        updates.opened("lobby");

        ScreenUpdates.Batch batch = updates.take(Duration.ZERO);
        assertEquals(List.of(Map.entry("ops", false), Map.entry("lobby", true)), List.copyOf(batch.opened.entrySet()));
        assertEquals(Map.of(), batch.members);
        assertEquals(Map.of(), batch.unread);
    }

    @Test
    void aCallForCredentialsIsNewsAndAskedOnceAndTheNewestNoticeWins() throws Exception {
        updates.notice("first");
        updates.credentialsNeeded("type the password of alice to sign in");
        ScreenUpdates.Batch batch = updates.take(Duration.ZERO);
        assertEquals("type the password of alice to sign in", batch.credentialsWanted);
        assertEquals("type the password of alice to sign in", batch.news);

        updates.credentialsNeeded("wrong password for alice: type it again");
        updates.notice("signing in as alice");
        batch = updates.take(Duration.ZERO);
        assertEquals("wrong password for alice: type it again", batch.credentialsWanted);
        assertEquals("signing in as alice", batch.news);
    }

    private static Timeline.Entry entry(long seq, String text) {
        return new Timeline.Entry(seq, "bob", text, "b-" + seq, Instant.EPOCH.toString(), Timeline.State.CONFIRMED);
    }
}
