package chat.client.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.client.failover.Failover.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two people on one machine, one config directory: each nick comes back as itself. */
class StateStoreTest {
    private static final List<Gateway> ALICE_GATEWAYS = List.of(new Gateway("127.0.0.1", 7001), new Gateway("127.0.0.1", 7002));
    private static final List<Gateway> BOB_GATEWAYS = List.of(new Gateway("127.0.0.1", 7002), new Gateway("127.0.0.1", 7001));
    private static final RememberedState ALICE = new RememberedState("alice", List.of("lobby", "ops"), List.of("bob"),
        ALICE_GATEWAYS, "alice-token");
    private static final RememberedState BOB = new RememberedState("bob", List.of("lobby", "random"), List.of("alice"),
        BOB_GATEWAYS, "bob-token");

    @TempDir
    Path dir;

    private StateStore store() {
        return new StateStore(dir);
    }

    private List<String> filesUnder(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(p -> directory.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void eachNickGetsBackItsOwnStateAndNoNickTheOneUsedLast() throws IOException {
        store().save(ALICE);
        store().save(BOB);

        assertEquals(new StateStore.Recalled("bob", ALICE, null), store().recall("alice"));
        assertEquals(ALICE, store().recall("Alice").state(), "a nick is one whatever its case");
        assertEquals(new StateStore.Recalled("bob", BOB, null), store().recall(null));
        assertEquals(List.of("nicks/alice.json", "nicks/bob.json", "state.json"), filesUnder(dir));

        store().save(ALICE);
        assertEquals(ALICE, store().recall(null).state(), "the nick that saved last");
    }

    @Test
    void aNickSeenForTheFirstTimeStartsWithNothingOfAnother() throws IOException {
        store().save(BOB);
        StateStore.Recalled carol = store().recall("carol");
        assertEquals(RememberedState.EMPTY, carol.state());
        assertEquals("bob", carol.lastNick());
        assertNull(carol.problem());
    }

    @Test
    void nothingRememberedIsNoProblem() {
        assertEquals(new StateStore.Recalled(null, RememberedState.EMPTY, null), store().recall(null));
        assertEquals(new StateStore.Recalled(null, RememberedState.EMPTY, null), store().recall("alice"));
    }

    @Test
    void anOldStateFileBecomesTheFileOfItsNickAndNamesItAsTheLast() throws IOException {
        Files.writeString(dir.resolve("state.json"),
            "{\"version\": 1, \"nick\": \"bob\", \"rooms\": [\"random\"], \"gateways\": [\"127.0.0.1:7002\"]}");
        RememberedState oldBob = new RememberedState("bob", List.of("random"), List.of(),
            List.of(new Gateway("127.0.0.1", 7002)), null);

        StateStore.Recalled alice = store().recall("alice");
        assertEquals(new StateStore.Recalled("bob", RememberedState.EMPTY, null), alice,
            "alice does not take up the rooms bob used last");
        assertEquals(oldBob, RememberedState.load(store().fileOf("bob")).state());
        assertEquals(new StateStore.Recalled("bob", oldBob, null), store().recall(null));
        assertTrue(Files.readString(dir.resolve("state.json")).contains("\"version\" : 2"));
    }

    @Test
    void anOldStateFileDoesNotReplaceANewerFileOfItsNick() throws IOException {
        store().save(BOB);
        Files.writeString(dir.resolve("state.json"), "{\"nick\": \"bob\", \"rooms\": [\"stale\"]}");
        assertEquals(BOB, store().recall("bob").state());
    }

    @Test
    void anOldStateFileThatCannotBeMovedIsStillItsNicksState() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{\"nick\": \"bob\", \"rooms\": [\"random\"]}");
        // A file where the nicks' directory should be: nothing can be written under it.
        Files.writeString(dir.resolve("nicks"), "in the way");

        StateStore.Recalled bob = store().recall(null);
        assertEquals("bob", bob.lastNick());
        assertEquals(List.of("random"), bob.state().rooms());
        assertTrue(bob.problem().contains("cannot move"), bob.problem());
    }

    @Test
    void aDamagedFileIsSetAsideAndTheOthersStillCount() throws IOException {
        store().save(ALICE);
        store().save(BOB);
        Files.writeString(store().fileOf("bob"), "{\"nick\": ");
        StateStore.Recalled bob = store().recall(null);
        assertEquals("bob", bob.lastNick());
        assertEquals(RememberedState.EMPTY, bob.state());
        assertTrue(bob.problem().contains("bob.json") && bob.problem().contains("not valid JSON"), bob.problem());
        assertEquals(ALICE, store().recall("alice").state());

        Files.writeString(dir.resolve("state.json"), "[]");
        StateStore.Recalled nobody = store().recall(null);
        assertNull(nobody.lastNick());
        assertTrue(nobody.problem().contains("state.json"), nobody.problem());
        assertEquals(ALICE, store().recall("alice").state());
    }

    @Test
    void aFileHoldingAnotherNicksStateIsSetAside() throws IOException {
        BOB.save(store().fileOf("alice"));
        StateStore.Recalled alice = store().recall("alice");
        assertEquals(RememberedState.EMPTY, alice.state());
        assertTrue(alice.problem().contains("alice.json") && alice.problem().contains("not the state of that nick"),
            alice.problem());
    }

    @Test
    void theFilesHoldingTokensAreTheUsersAlone() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        store().save(ALICE);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("nicks"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store().fileOf("alice"))));
    }

    /**
     * Two clients of two nicks save over and over while a third reads: every read finds whole files, each nick's
     * file holds only that nick's state, and no temporary file is left.
     */
    @Test
    void clientsOfTwoNicksSavingAtOnceNeverMixOrBreakTheirFiles() throws Exception {
        int saves = 300;
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean saving = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (RememberedState who : List.of(ALICE, BOB)) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < saves; i++) {
                        store().save(new RememberedState(who.nick(), List.of("room-" + i), who.conversations(),
                            who.gateways(), who.token()));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        List<String> problems = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                go.await();
                while (saving.get()) {
                    for (String nick : List.of("alice", "bob")) {
                        StateStore.Recalled recalled = store().recall(nick);
                        if (recalled.problem() != null || (recalled.state() != RememberedState.EMPTY
                            && !recalled.state().nick().equals(nick))) {
                            problems.add(recalled.problem() + " / " + recalled.state());
                        }
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        go.countDown();
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(60)), "a saver never finished");
        }
        saving.set(false);
        assertTrue(reader.join(Duration.ofSeconds(60)), "the reader never finished");

        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(List.of(), problems);
        String last = "room-" + (saves - 1);
        assertEquals(new RememberedState("alice", List.of(last), List.of("bob"), ALICE_GATEWAYS, "alice-token"),
            store().recall("alice").state());
        assertEquals(new RememberedState("bob", List.of(last), List.of("alice"), BOB_GATEWAYS, "bob-token"),
            store().recall("bob").state());
        assertTrue(List.of("alice", "bob").contains(store().recall(null).lastNick()));
        assertEquals(List.of("nicks/alice.json", "nicks/bob.json", "state.json"), filesUnder(dir));
    }

    @Test
    void recallingFromADirectoryThatDoesNotExistCreatesNothing() {
        Path nowhere = dir.resolve("not/made");
        assertEquals(new StateStore.Recalled(null, RememberedState.EMPTY, null), new StateStore(nowhere).recall(null));
        assertFalse(Files.exists(nowhere));
    }
}
