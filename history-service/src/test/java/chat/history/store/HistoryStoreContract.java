package chat.history.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ChatEvent;
import chat.protocol.HistoryPage;
import chat.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database behind {@link JdbcHistoryStore} must do; a subclass names the database. */
abstract class HistoryStoreContract {
    private static final String TOPIC = "chat.events";

    private HistoryStore store;

    /** A JDBC URL of an empty database (or schema) for one test. */
    abstract String freshDatabaseUrl();

    @BeforeEach
    void open() throws StoreException {
        store = JdbcHistoryStore.open(freshDatabaseUrl(), null, null, 2);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static StoredMessage say(String room, long seq, String from, String id) {
        return StoredMessage.of(new ChatEvent.MessagePosted(room, from, "text " + id, id, "2026-11-23T10:00:00.000Z", "gw1"), seq);
    }

    private static List<Long> seqs(HistoryPage page) {
        return page.messages().stream().map(HistoryPage::seqOf).toList();
    }

    private void fillLobby(long... seqs) throws StoreException {
        List<StoredMessage> rows = new ArrayList<>();
        for (long seq : seqs) {
            rows.add(say("lobby", seq, "alice", "m" + seq));
        }
        store.append(TOPIC, rows, Map.of(0, seqs[seqs.length - 1] + 1));
    }

    @Test
    void pagesAreOldestFirstAndSayWhetherMoreLieBeyond() throws StoreException {
        fillLobby(LongStream.rangeClosed(1, 10).map(n -> n * 3).toArray());

        HistoryPage latest = store.read("lobby", null, null, 4);
        assertEquals(List.of(21L, 24L, 27L, 30L), seqs(latest));
        assertTrue(latest.more(), "older messages exist");

        HistoryPage older = store.read("lobby", null, 21L, 4);
        assertEquals(List.of(9L, 12L, 15L, 18L), seqs(older));
        assertTrue(older.more());
        HistoryPage oldest = store.read("lobby", null, 9L, 4);
        assertEquals(List.of(3L, 6L), seqs(oldest));
        assertFalse(oldest.more());

        HistoryPage fromStart = store.read("lobby", -1L, null, 4);
        assertEquals(List.of(3L, 6L, 9L, 12L), seqs(fromStart));
        assertTrue(fromStart.more(), "newer messages follow");
        HistoryPage between = store.read("lobby", 12L, 22L, 4);
        assertEquals(List.of(15L, 18L, 21L), seqs(between));
        assertFalse(between.more(), "nothing else below before");
        assertEquals(List.of(), seqs(store.read("lobby", 30L, null, 4)));
        assertEquals(List.of(), seqs(store.read("elsewhere", null, null, 4)));
    }

    @Test
    void aMessageIsStoredOnceWhetherReadAgainOrResent() throws StoreException {
        store.append(TOPIC, List.of(say("lobby", 5, "alice", "a-1"), say("lobby", 6, "bob", "b-1")), Map.of(0, 7L));
        // The same records read again after a crash, and alice's resend of a-1 (under another case) at a later offset.
        store.append(TOPIC, List.of(say("lobby", 5, "alice", "a-1"), say("lobby", 9, "ALICE", "a-1"),
            say("lobby", 10, "alice", "a-2")), Map.of(0, 11L));

        HistoryPage page = store.read("lobby", -1L, null, 500);
        assertEquals(List.of(5L, 6L, 10L), seqs(page));
        assertEquals(new ServerFrame.Message("lobby", "alice", "text a-1", "a-1", 5, "2026-11-23T10:00:00.000Z"),
            page.messages().getFirst(), "the first copy stands");
    }

    @Test
    void idsBelongToTheirSender() throws StoreException {
        store.append(TOPIC, List.of(say("lobby", 1, "alice", "1"), say("lobby", 2, "bob", "1"),
            say("other", 3, "alice", "1")), Map.of(0, 4L));
        assertEquals(List.of(1L, 2L), seqs(store.read("lobby", -1L, null, 10)));
        assertEquals(List.of(3L), seqs(store.read("other", -1L, null, 10)));
    }

    @Test
    void directMessagesAreKeptByConversation() throws StoreException {
        ChatEvent.DirectMessage toBob = new ChatEvent.DirectMessage("alice", "Bob", "psst", "d1", "2026-11-23T10:00:00.000Z", "gw1");
        ChatEvent.DirectMessage toAlice = new ChatEvent.DirectMessage("bob", "alice", "yes?", "d1", "2026-11-23T10:00:01.000Z", "gw2");
        store.append(TOPIC, List.of(StoredMessage.of(toBob, 40), StoredMessage.of(toAlice, 41)), Map.of(2, 42L));

        HistoryPage page = store.read(toBob.conversation(), null, null, 50);
        assertEquals(List.of(
            new ServerFrame.Dm("alice", "Bob", "psst", "d1", 40, "2026-11-23T10:00:00.000Z"),
            new ServerFrame.Dm("bob", "alice", "yes?", "d1", 41, "2026-11-23T10:00:01.000Z")), page.messages());
    }

    @Test
    void positionsOnlyMoveForward() throws StoreException {
        assertEquals(0, store.nextOffset(TOPIC, 0), "a partition never read starts at 0");
        store.append(TOPIC, List.of(), Map.of(0, 100L, 1, 7L));
        store.append(TOPIC, List.of(), Map.of(0, 60L, 1, 8L));
        assertEquals(Map.of(0, 100L, 1, 8L), store.nextOffsets(TOPIC));
        assertEquals(Map.of(), store.nextOffsets("another.topic"));
    }

    @Test
    void aBatchIsOneTransaction() throws StoreException {
        fillLobby(1, 2);
        StoredMessage withoutText = new StoredMessage("lobby", 4, "alice", null, "m4", null, "2026-11-23T10:00:00.000Z");
        assertThrows(StoreException.class,
            () -> store.append(TOPIC, List.of(say("lobby", 3, "alice", "m3"), withoutText), Map.of(0, 5L)));
        assertEquals(List.of(1L, 2L), seqs(store.read("lobby", -1L, null, 10)), "nothing of a failed batch stays");
        assertEquals(3, store.nextOffset(TOPIC, 0), "nor its positions");
    }
}
