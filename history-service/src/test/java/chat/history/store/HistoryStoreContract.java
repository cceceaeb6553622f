package chat.history.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ChatEvent;
import chat.protocol.HistoryPage;
import chat.protocol.ServerFrame;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database behind {@link JdbcHistoryStore} must do; a subclass names the database. */
abstract class HistoryStoreContract {
    private static final String TOPIC = "chat.events";
    private static final String TS = "2026-11-23T10:00:00.000Z";

    private HistoryStore store;

    /** A JDBC URL of an empty database (or schema), a new one at each call. */
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
        return StoredMessage.of(new ChatEvent.MessagePosted(room, from, "text " + id, id, TS, "gw1"), 0, seq);
    }

    /** A direct message read from {@code partition} at {@code seq}, its id {@code d} and the seq. */
    private static StoredMessage dm(int partition, long seq, String from, String fromAccount, String to,
                                    String toAccount, boolean waiting) {
        return StoredMessage.of(new ChatEvent.DirectMessage(from, to, "text " + seq, "d" + seq, TS, "gw1", fromAccount,
            toAccount, waiting), partition, seq);
    }

    private static List<Long> seqs(HistoryPage page) {
        return page.messages().stream().map(HistoryPage::seqOf).toList();
    }

    private void fillLobby(long... seqs) throws StoreException {
        List<StoredMessage> rows = new ArrayList<>();
        for (long seq : seqs) {
            rows.add(say("lobby", seq, "alice", "m" + seq));
        }
        store.append(TOPIC, rows, List.of(), Map.of(0, seqs[seqs.length - 1] + 1));
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
        store.append(TOPIC, List.of(say("lobby", 5, "alice", "a-1"), say("lobby", 6, "bob", "b-1")), List.of(),
            Map.of(0, 7L));
        // The same records read again after a crash, and alice's resend of a-1 (under another case) at a later offset.
        store.append(TOPIC, List.of(say("lobby", 5, "alice", "a-1"), say("lobby", 9, "ALICE", "a-1"),
            say("lobby", 10, "alice", "a-2")), List.of(), Map.of(0, 11L));

        HistoryPage page = store.read("lobby", -1L, null, 500);
        assertEquals(List.of(5L, 6L, 10L), seqs(page));
        assertEquals(new ServerFrame.Message("lobby", "alice", "text a-1", "a-1", 5, "2026-11-23T10:00:00.000Z"),
            page.messages().getFirst(), "the first copy stands");
    }

    @Test
    void idsBelongToTheirSender() throws StoreException {
        store.append(TOPIC, List.of(say("lobby", 1, "alice", "1"), say("lobby", 2, "bob", "1"),
            say("other", 3, "alice", "1")), List.of(), Map.of(0, 4L));
        assertEquals(List.of(1L, 2L), seqs(store.read("lobby", -1L, null, 10)));
        assertEquals(List.of(3L), seqs(store.read("other", -1L, null, 10)));
    }

    @Test
    void directMessagesAreKeptByConversation() throws StoreException {
        ChatEvent.DirectMessage toBob = new ChatEvent.DirectMessage("alice", "Bob", "psst", "d1", "2026-11-23T10:00:00.000Z", "gw1");
        ChatEvent.DirectMessage toAlice = new ChatEvent.DirectMessage("bob", "alice", "yes?", "d1", "2026-11-23T10:00:01.000Z", "gw2");
        store.append(TOPIC, List.of(StoredMessage.of(toBob, 2, 40), StoredMessage.of(toAlice, 2, 41)), List.of(),
            Map.of(2, 42L));

        HistoryPage page = store.read(toBob.conversation(), null, null, 50);
        assertEquals(List.of(
            new ServerFrame.Dm("alice", "Bob", "psst", "d1", 40, "2026-11-23T10:00:00.000Z"),
            new ServerFrame.Dm("bob", "alice", "yes?", "d1", 41, "2026-11-23T10:00:01.000Z")), page.messages());
    }

    @Test
    void positionsOnlyMoveForward() throws StoreException {
        assertEquals(0, store.nextOffset(TOPIC, 0), "a partition never read starts at 0");
        store.append(TOPIC, List.of(), List.of(), Map.of(0, 100L, 1, 7L));
        store.append(TOPIC, List.of(), List.of(), Map.of(0, 60L, 1, 8L));
        assertEquals(Map.of(0, 100L, 1, 8L), store.nextOffsets(TOPIC));
        assertEquals(Map.of(), store.nextOffsets("another.topic"));
    }

    @Test
    void aBatchIsOneTransaction() throws StoreException {
        fillLobby(1, 2);
        StoredMessage waiting = dm(0, 3, "alice", "acct-a", "bob", "acct-b", true);
        store.append(TOPIC, List.of(waiting), List.of(), Map.of(0, 4L));
        StoredMessage withoutText = new StoredMessage("lobby", 0, 5, "alice", null, "m5", null, TS, null, null, false);
        DeliveryMark delivered = new DeliveryMark("acct-b", waiting.stream(), 3);
        assertThrows(StoreException.class, () -> store.append(TOPIC, List.of(say("lobby", 4, "alice", "m4"),
            withoutText), List.of(delivered), Map.of(0, 6L)));
        assertEquals(List.of(1L, 2L), seqs(store.read("lobby", -1L, null, 10)), "nothing of a failed batch stays");
        assertEquals(List.of(3L), seqs(store.waiting("acct-b", new long[] {10}, null, 10)), "nor its marks");
        assertEquals(4, store.nextOffset(TOPIC, 0), "nor its positions");
    }

    @Test
    void aConversationIsServedToAnAccountOnlyWhereTheAskingNicksSideNamesIt() throws StoreException {
        String conversation = ChatEvent.conversationOf("alice", "bob");
        store.append(TOPIC, List.of(
            dm(0, 1, "alice", null, "bob", "acct-b", false),     // alice as a guest, before her account
            dm(0, 2, "bob", "acct-b", "alice", null, false),     // to that guest
            dm(0, 3, "alice", "acct-a", "bob", "acct-b", false),
            dm(0, 4, "bob", "acct-b", "Alice", "acct-a", false),
            dm(0, 5, "ALICE", "acct-x", "bob", "acct-b", false), // another account that later held the nick alice
            dm(0, 6, "bob", "acct-a", "alice", null, false)),    // the other side naming alice's account id
            List.of(), Map.of(0, 7L));

        assertEquals(List.of(3L, 4L), seqs(store.readConversation(conversation, "alice", "acct-a", null, null, 50)));
        assertEquals(List.of(3L, 4L), seqs(store.readConversation(conversation, "ALICE", "acct-a", -1L, null, 50)),
            "nicks are folded");
        assertEquals(List.of(5L), seqs(store.readConversation(conversation, "alice", "acct-x", null, null, 50)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L),
            seqs(store.readConversation(conversation, "Bob", "acct-b", null, null, 50)));
        assertEquals(List.of(6L), seqs(store.readConversation(conversation, "bob", "acct-a", null, null, 50)));
        assertEquals(List.of(), seqs(store.readConversation(conversation, "carol", "acct-a", null, null, 50)),
            "a nick outside the conversation has no side in it");

        HistoryPage newest = store.readConversation(conversation, "alice", "acct-a", null, null, 1);
        assertEquals(List.of(4L), seqs(newest));
        assertTrue(newest.more());
        HistoryPage older = store.readConversation(conversation, "alice", "acct-a", null, 4L, 1);
        assertEquals(List.of(3L), seqs(older));
        assertFalse(older.more(), "the guest's messages below do not count as older ones");
        assertEquals(new ServerFrame.Dm("bob", "Alice", "text 4", "d4", 4, TS), newest.messages().getFirst());
    }

    @Test
    void waitingMessagesStayUntilAMarkOfTheirConversationAndAccountCoversThem() throws StoreException {
        String aliceBob = ChatEvent.conversationOf("alice", "bob");
        String bobCarol = ChatEvent.conversationOf("carol", "bob");
        store.append(TOPIC, List.of(
            dm(0, 10, "alice", "acct-a", "bob", "acct-b", true),
            dm(0, 11, "alice", null, "bob", "acct-b", true),
            dm(0, 12, "alice", "acct-a", "bob", "acct-b", false),
            dm(0, 13, "alice", "acct-a", "bob", "acct-b", true),
            dm(1, 5, "carol", "acct-c", "bob", "acct-b", true),
            dm(1, 6, "bob", "acct-b", "carol", "acct-c", true),
            dm(0, 14, "alice", "acct-a", "bob", null, true)),
            List.of(), Map.of(0, 15L, 1, 7L));
        long[] everything = {100, 100};

        HistoryPage all = store.waiting("acct-b", everything, null, 500);
        assertEquals(List.of(10L, 11L, 13L, 5L), seqs(all), "by conversation, then seq");
        assertEquals(new ServerFrame.Dm("alice", "bob", "text 10", "d10", 10, TS, true), all.messages().getFirst());
        assertFalse(all.more());

        store.append(TOPIC, List.of(), List.of(new DeliveryMark("acct-b", aliceBob, 11),
            new DeliveryMark("acct-c", bobCarol, 100), new DeliveryMark("acct-a", aliceBob, 100)), Map.of(0, 16L));
        assertEquals(List.of(13L, 5L), seqs(store.waiting("acct-b", everything, null, 500)),
            "a mark covers its own account's messages of its own conversation, up to its seq");
        assertEquals(List.of(), seqs(store.waiting("acct-c", everything, null, 500)));

        store.append(TOPIC, List.of(), List.of(new DeliveryMark("acct-b", aliceBob, 10)), Map.of(0, 17L));
        assertEquals(List.of(13L, 5L), seqs(store.waiting("acct-b", everything, null, 500)), "a mark never moves back");
        store.append(TOPIC, List.of(), List.of(new DeliveryMark("acct-b", bobCarol, 5),
            new DeliveryMark("acct-b", aliceBob, 13)), Map.of(1, 8L));
        assertEquals(List.of(), seqs(store.waiting("acct-b", everything, null, 500)));
    }

    @Test
    void waitingMessagesComeInPagesAndOnlyBelowTheAskersPositionInTheirPartition() throws StoreException {
        String aliceBob = ChatEvent.conversationOf("alice", "bob");
        String bobCarol = ChatEvent.conversationOf("bob", "carol");
        store.append(TOPIC, List.of(
            dm(0, 10, "alice", "acct-a", "bob", "acct-b", true),
            dm(0, 12, "alice", "acct-a", "bob", "acct-b", true),
            dm(0, 14, "alice", "acct-a", "bob", "acct-b", true),
            dm(1, 3, "carol", "acct-c", "bob", "acct-b", true),
            dm(1, 4, "carol", "acct-c", "bob", "acct-b", true)),
            List.of(), Map.of(0, 15L, 1, 5L));
        long[] everything = {15, 5};

        HistoryPage first = store.waiting("acct-b", everything, null, 2);
        assertEquals(List.of(10L, 12L), seqs(first));
        assertTrue(first.more());
        HistoryPage second = store.waiting("acct-b", everything, new WaitingCursor(aliceBob, 12), 2);
        assertEquals(List.of(14L, 3L), seqs(second));
        assertTrue(second.more());
        HistoryPage last = store.waiting("acct-b", everything, new WaitingCursor(bobCarol, 3), 2);
        assertEquals(List.of(4L), seqs(last));
        assertFalse(last.more());

        assertEquals(List.of(10L, 12L, 3L), seqs(store.waiting("acct-b", new long[] {14, 4}, null, 500)),
            "what lies at or above the asker's position in its partition comes live");
        assertEquals(List.of(10L), seqs(store.waiting("acct-b", new long[] {11}, null, 500)),
            "a partition without a position contributes nothing");
    }

    @Test
    void aStoreWithOneReaderOpensAndMigratesANewDatabase() throws Exception {
        try (HistoryStore oneReader = JdbcHistoryStore.open(freshDatabaseUrl(), null, null, 1)) {
            oneReader.append(TOPIC, List.of(say("lobby", 1, "alice", "m1")), List.of(), Map.of(0, 2L));
            assertEquals(List.of(1L), seqs(oneReader.read("lobby", null, null, 10)));
        }
    }

    @Test
    void messagesStoredBeforeAccountsNameNoneAndWaitForNothing() throws Exception {
        String url = freshDatabaseUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("1").load().migrate();
        String conversation = ChatEvent.conversationOf("alice", "bob");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO messages (stream, seq, sender, sender_key, recipient, message_id, body, ts) VALUES ('"
                + conversation + "', 7, 'alice', 'alice', 'bob', 'd7', 'old', '" + TS + "')");
        }
        try (HistoryStore upgraded = JdbcHistoryStore.open(url, null, null, 1)) {
            assertEquals(List.of(7L), seqs(upgraded.read(conversation, null, null, 50)));
            assertEquals(List.of(), seqs(upgraded.readConversation(conversation, "alice", "acct-a", null, null, 50)));
            assertEquals(List.of(), seqs(upgraded.readConversation(conversation, "bob", "acct-b", null, null, 50)));
            assertEquals(List.of(), seqs(upgraded.waiting("acct-b", new long[] {100}, null, 50)));
        }
    }
}
