package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.JavaProcess;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three gateways on one cluster agree on nicks, sessions and rooms; a fourth, in its own process, dies by SIGKILL. */
class ClusterPresenceIT {
    private static String topic;
    private static Gateway gw1;
    private static Gateway gw2;
    private static Gateway gw3;

    @TempDir
    static Path logs;

    @BeforeAll
    static void startGateways() {
        topic = TestGateway.freshTopic();
        // These tests ask who and rooms again and again until the gateways agree: more than a person's rate.
        gw1 = TestGateway.of("gw1", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
        gw2 = TestGateway.of("gw2", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
        gw3 = TestGateway.of("gw3", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
    }

    @AfterAll
    static void stopGateways() {
        gw1.close();
        gw2.close();
        gw3.close();
    }

    @Test
    void theSameNickAskedForOnTwoGatewaysAtOnceIsWelcomedExactlyOnce() throws Exception {
        for (int round = 0; round < 40; round++) {
            String nick = "racer" + round;
            try (ChatTestClient left = ChatTestClient.connect(gw1.port());
                 ChatTestClient right = ChatTestClient.connect(gw2.port())) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> senders = new ArrayList<>();
                for (ChatTestClient client : List.of(left, right)) {
                    senders.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        client.send(new ClientFrame.Hello(nick, 1, null, null));
                    }));
                }
                go.countDown();
                for (Thread sender : senders) {
                    sender.join();
                }
                ServerFrame a = answerToHello(left);
                ServerFrame b = answerToHello(right);
                long welcomes = List.of(a, b).stream().filter(f -> f instanceof ServerFrame.Welcome).count();
                assertEquals(1, welcomes, "round " + round + ": " + a + " / " + b);
                ServerFrame refused = a instanceof ServerFrame.Welcome ? b : a;
                assertEquals(ErrorCode.NICK_TAKEN, ((ServerFrame.Error) refused).code());
            }
        }
    }

    @Test
    void aSessionTokenResumesTheNickOnAnotherGatewayAtOnceWithItsRoomsAndNobodySeesALeaveOrJoin() {
        try (ChatTestClient first = ChatTestClient.connect(gw1.port());
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            first.send(new ClientFrame.Hello("alice", 1, null, null));
            String token = first.next(ServerFrame.Welcome.class).session();
            first.join("resume");
            bob.join("resume");

            try (ChatTestClient intruder = ChatTestClient.connect(gw3.port())) {
                intruder.send(new ClientFrame.Hello("alice", 1, "not-the-token", "h"));
                assertEquals(ErrorCode.NICK_TAKEN, intruder.next(ServerFrame.Error.class).code());
            }

            try (ChatTestClient resumed = ChatTestClient.connect(gw3.port())) {
                resumed.send(new ClientFrame.Hello("alice", 1, token, "again"));
                assertEquals(new ServerFrame.Welcome("alice", token, "gw3", false, "again"), resumed.next(ServerFrame.Welcome.class));
                assertEquals(new ServerFrame.Bye("resumed elsewhere", null), first.awaitClosed().getLast());

                resumed.say("resume", "still here", "r1");
                List<ServerFrame> seenByBob = bob.until(f -> f instanceof ServerFrame.Message m && m.id().equals("r1"));
                assertEquals("alice", ((ServerFrame.Message) seenByBob.getLast()).from());
                assertTrue(seenByBob.stream().noneMatch(f -> f instanceof ServerFrame.Presence),
                    "bob saw no leave or join: " + seenByBob);
                bob.say("resume", "welcome back", "b1");
                assertEquals("welcome back", resumed.nextMatching(ServerFrame.Message.class, m -> m.id().equals("b1")).text());
                assertEquals(List.of("alice", "bob"), who(bob, "resume"));
            }
        }
    }

    @Test
    void whoAndRoomsAgreeOnEveryGateway() {
        try (ChatTestClient carol = ChatTestClient.login(gw1.port(), "carol");
             ChatTestClient dan = ChatTestClient.login(gw2.port(), "Dan");
             ChatTestClient eve = ChatTestClient.login(gw3.port(), "eve")) {
            carol.join("who-a");
            dan.join("who-a");
            dan.join("who-b");
            eve.join("who-b");
            eve.join("who-c");
            for (ChatTestClient asker : List.of(carol, dan, eve)) {
                awaitEqual(List.of("carol", "Dan"), () -> who(asker, "who-a"));
                awaitEqual(List.of("Dan", "eve"), () -> who(asker, "who-b"));
                awaitEqual(List.of(new ServerFrame.RoomSummary("who-a", 2), new ServerFrame.RoomSummary("who-b", 2),
                    new ServerFrame.RoomSummary("who-c", 1)), () -> roomsNamed(asker, "who-"));
            }
            eve.send(new ClientFrame.Part("who-c", null));
            for (ChatTestClient asker : List.of(carol, dan, eve)) {
                awaitEqual(List.of(new ServerFrame.RoomSummary("who-a", 2), new ServerFrame.RoomSummary("who-b", 2)),
                    () -> roomsNamed(asker, "who-"));
            }
        }
    }

    @Test
    void aDirectMessageCrossesGatewaysAndNoThirdClientSeesIt() {
        try (ChatTestClient fay = ChatTestClient.login(gw1.port(), "fay");
             ChatTestClient gus = ChatTestClient.login(gw2.port(), "gus");
             ChatTestClient hal = ChatTestClient.login(gw3.port(), "hal")) {
            for (ChatTestClient c : List.of(fay, gus, hal)) {
                c.join("dm-marker");
            }
            fay.send(new ClientFrame.Dm("Gus", "just between us", "d1", "r1"));
            ServerFrame.Ack ack = fay.nextMatching(ServerFrame.Ack.class, a -> true);
            assertEquals("r1", ack.ref());
            ServerFrame.Dm expected = new ServerFrame.Dm("fay", "gus", "just between us", "d1", ack.seq(), ack.ts());
            assertEquals(expected, fay.nextMatching(ServerFrame.Dm.class, d -> true), "the sender gets its copy after the ack");
            assertEquals(expected, gus.nextMatching(ServerFrame.Dm.class, d -> true));

            gus.send(new ClientFrame.Dm("fay", "agreed", "d2", null));
            assertEquals("agreed", fay.nextMatching(ServerFrame.Dm.class, d -> true).text());

            fay.say("dm-marker", "after the secrets", "m1");
            List<ServerFrame> seenByHal = hal.until(f -> f instanceof ServerFrame.Message m && m.id().equals("m1"));
            assertTrue(seenByHal.stream().noneMatch(f -> f instanceof ServerFrame.Dm), "hal saw no dm: " + seenByHal);

            fay.send(new ClientFrame.Dm("nobody", "hello?", "d3", "r3"));
            ServerFrame.Error error = fay.nextMatching(ServerFrame.Error.class, e -> true);
            assertEquals(ErrorCode.NO_SUCH_NICK, error.code());
            assertEquals("r3", error.ref());
        }
    }

    @Test
    void aKilledGatewaysMembersAreShownLeavingAndItsNicksFreedWithin15Seconds() throws Exception {
        try (JavaProcess doomed = TestGateway.of("doomed", topic).startProcess(logs);
             ChatTestClient ian = ChatTestClient.login(doomed.port(), "ian");
             ChatTestClient jo = ChatTestClient.login(gw1.port(), "jo")) {
            ian.join("crash");
            jo.join("crash");
            awaitEqual(List.of("ian", "jo"), () -> who(jo, "crash"));

            Instant killed = Instant.now();
            doomed.kill();
            assertEquals(new ServerFrame.Presence("crash", "ian", "leave"), jo.next(ServerFrame.Presence.class));
            Duration noticed = Duration.between(killed, Instant.now());
            assertTrue(noticed.compareTo(Duration.ofSeconds(15)) <= 0, "noticed after " + noticed);

            assertEquals(List.of("jo"), who(jo, "crash"));
            try (ChatTestClient newIan = ChatTestClient.connect(gw2.port())) {
                newIan.send(new ClientFrame.Hello("ian", 1, null, null));
                assertEquals("ian", newIan.next(ServerFrame.Welcome.class).nick());
            }
        }
    }

    @Test
    void aDirectMessageSentWhileAnAccountsGatewayIsDeadReachesItWhenItResumesElsewhere() throws Exception {
        try (JavaProcess doomed = TestGateway.of("doomed3", topic).startProcess(logs);
             ChatTestClient nora = ChatTestClient.connect(doomed.port());
             ChatTestClient otto = ChatTestClient.login(gw1.port(), "otto")) {
            nora.send(new ClientFrame.Hello("nora", 1, null, null));
            String token = nora.next(ServerFrame.Welcome.class).session();
            nora.send(new ClientFrame.Register("correct horse", "r"));
            nora.next(ServerFrame.Registered.class);

            doomed.kill();
            // Nora's session is still held by the dead gateway: nobody delivers this, and her account is not offline.
            otto.send(new ClientFrame.Dm("nora", "are you there?", "o1", "o1"));
            long seq = otto.next(ServerFrame.Ack.class).seq();

            try (ChatTestClient back = ChatTestClient.connect(gw2.port())) {
                back.send(new ClientFrame.Hello("nora", 1, token, null));
                assertEquals(token, back.next(ServerFrame.Welcome.class).session());
                ServerFrame.Dm missed = back.next(ServerFrame.Dm.class);
                assertEquals(List.of("otto", "are you there?", "o1", seq),
                    List.of(missed.from(), missed.text(), missed.id(), missed.seq()));
            }
        }
    }

    @Test
    void aSessionWhoseClientLeftWithoutAWordAfterItsHelloWaitsForItOnAnotherGateway() {
        try (ChatTestClient sam = ChatTestClient.login(gw2.port(), "sam")) {
            String token = resumedAndAbandoned("rae", sam, "sam", "linger", gw1);
            try (ChatTestClient back = ChatTestClient.connect(gw2.port())) {
                back.send(new ClientFrame.Hello("rae", 1, token, null));
                assertEquals(token, back.next(ServerFrame.Welcome.class).session(), "the same session, resumed");
                back.say("linger", "still here", "r1");
                List<ServerFrame> seenBySam = sam.until(f -> f instanceof ServerFrame.Message m && m.id().equals("r1"));
                assertTrue(seenBySam.stream().noneMatch(f -> f instanceof ServerFrame.Presence),
                    "sam saw rae neither leave nor join: " + seenBySam);
                assertEquals(List.of("rae", "sam"), who(sam, "linger"));
            }
        }
    }

    @Test
    void aSessionWhoseClientLeftWithoutAWordIsReleasedWhenNoGatewayTookItUpWithinTheLinger() throws Exception {
        // Only the release is held back: the gateway's heartbeats to the real Kafka go on, on the wall clock.
        SteppedTime timers = SteppedTime.timersOnly();
        try (Gateway stepped = TestGateway.of("gw-stepped", topic).with(TestGateway.UNLIMITED_RATE)
                 .start(args -> InProcessGateway.start(args, timers));
             ChatTestClient vic = ChatTestClient.login(gw2.port(), "vic")) {
            resumedAndAbandoned("uma", vic, "vic", "abandoned", stepped);
            Poll.until("the release put off", ChatTestClient.TIMEOUT, Duration.ofMillis(10), timers::waiting,
                waiting -> waiting == 1);
            assertEquals(List.of("uma", "vic"), who(vic, "abandoned"), "the session waits for its client");

            timers.step(ClusterPresence.ABANDONED_CLAIM_LINGER.minusSeconds(1));
            assertEquals(1, timers.waiting(), "not released before the linger is over");
            timers.step(Duration.ofSeconds(1));
            awaitEqual(List.of("vic"), () -> who(vic, "abandoned"));
            try (ChatTestClient newcomer = ChatTestClient.connect(gw2.port())) {
                newcomer.send(new ClientFrame.Hello("uma", 1, null, null));
                assertEquals("uma", newcomer.next(ServerFrame.Welcome.class).nick(), "the nick is free again");
            }
        }
    }

    @Test
    void anAccountsTokenSignsInWithoutThePasswordAfterItsKilledGatewaysLeaseRanOutUntilThePasswordDoes()
        throws Exception {
        try (JavaProcess doomed = TestGateway.of("doomed4", topic).startProcess(logs);
             ChatTestClient pia = ChatTestClient.connect(doomed.port());
             ChatTestClient quinn = ChatTestClient.login(gw1.port(), "quinn")) {
            pia.send(new ClientFrame.Hello("pia", 1, null, null));
            String lost = pia.next(ServerFrame.Welcome.class).session();
            pia.send(new ClientFrame.Register("correct horse", "r"));
            pia.next(ServerFrame.Registered.class);
            pia.join("lapse");
            quinn.join("lapse");
            awaitEqual(List.of("pia", "quinn"), () -> who(quinn, "lapse"));

            doomed.kill();
            assertEquals(new ServerFrame.Presence("lapse", "pia", "leave"), quinn.next(ServerFrame.Presence.class),
                "the lease ran out and the session ended");
            try (ChatTestClient back = ChatTestClient.connect(gw2.port())) {
                back.send(new ClientFrame.Hello("pia", 1, lost, null));
                ServerFrame.Welcome welcome = back.next(ServerFrame.Welcome.class);
                assertTrue(welcome.account(), "signed in to pia's account by the token alone");
                assertNotEquals(lost, welcome.session(), "a new session, under a new token");
                try (ChatTestClient withPassword = ChatTestClient.connect(gw1.port())) {
                    withPassword.send(new ClientFrame.Hello("pia", 1, null, "correct horse", null, null));
                    assertTrue(withPassword.next(ServerFrame.Welcome.class).account());
                    withPassword.send(new ClientFrame.Quit(null));
                    withPassword.awaitClosed();
                }
            }
            try (ChatTestClient replayed = ChatTestClient.connect(gw1.port())) {
                replayed.send(new ClientFrame.Hello("pia", 1, lost, null));
                assertEquals(ErrorCode.NICK_REGISTERED,
                    assertInstanceOf(ServerFrame.Error.class, answerToHello(replayed)).code(),
                    "once the password signed in, the lost session's token is no proof");
            }
        }
    }

    @Test
    void aClientOfAKilledGatewayResumesOnAnotherAtOnceAndNobodySeesItLeave() throws Exception {
        try (JavaProcess doomed = TestGateway.of("doomed2", topic).startProcess(logs);
             ChatTestClient kim = ChatTestClient.connect(doomed.port());
             ChatTestClient lou = ChatTestClient.login(doomed.port(), "lou");
             ChatTestClient max = ChatTestClient.login(gw1.port(), "max")) {
            kim.send(new ClientFrame.Hello("kim", 1, null, null));
            String token = kim.next(ServerFrame.Welcome.class).session();
            kim.join("failover");
            lou.join("failover");
            max.join("failover");
            awaitEqual(List.of("kim", "lou", "max"), () -> who(max, "failover"));

            doomed.kill();
            Instant killed = Instant.now();
            try (ChatTestClient back = ChatTestClient.connect(gw2.port())) {
                back.send(new ClientFrame.Hello("kim", 1, token, null));
                assertEquals(new ServerFrame.Welcome("kim", token, "gw2", false, null), back.next(ServerFrame.Welcome.class));
                assertTrue(Duration.between(killed, Instant.now()).compareTo(PresenceState.LEASE) < 0,
                    "resumed before the dead gateway's lease ran out");
                back.say("failover", "I am back", "k1");

                // lou did not resume: the lapse of the dead gateway's lease shows lou leaving, and kim not.
                List<ServerFrame> seenByMax = max.until(f -> f instanceof ServerFrame.Presence p && p.nicks().contains("lou"));
                assertEquals(new ServerFrame.Presence("failover", "lou", "leave"), seenByMax.getLast());
                assertTrue(seenByMax.stream().noneMatch(f -> f instanceof ServerFrame.Presence p && p.nicks().contains("kim")),
                    "max saw kim neither leave nor join: " + seenByMax);
                assertTrue(seenByMax.stream().anyMatch(f -> f instanceof ServerFrame.Message m && m.id().equals("k1")));
                assertEquals(List.of("kim", "max"), who(max, "failover"));
            }
        }
    }

    /**
     * {@code nick} says hello on gw1 and joins {@code room}, where {@code watcher} ({@code watcherNick}) joins too;
     * then its client resumes
     * the session on {@code gateway}, gives up waiting for the welcome, and closes without a word. Returns the
     * session's token, once the first connection was closed as resumed elsewhere.
     */
    private static String resumedAndAbandoned(String nick, ChatTestClient watcher, String watcherNick, String room,
                                              Gateway gateway) {
        try (ChatTestClient first = ChatTestClient.connect(gw1.port())) {
            first.send(new ClientFrame.Hello(nick, 1, null, null));
            String token = first.next(ServerFrame.Welcome.class).session();
            first.join(room);
            watcher.join(room);
            awaitEqual(Stream.of(nick, watcherNick).sorted(String.CASE_INSENSITIVE_ORDER).toList(),
                () -> who(watcher, room));
            try (ChatTestClient gaveUp = ChatTestClient.connect(gateway.port())) {
                gaveUp.send(new ClientFrame.Hello(nick, 1, token, null));
                gaveUp.next(ServerFrame.Welcome.class);
            }
            first.awaitClosed();
            return token;
        }
    }

    private static ServerFrame answerToHello(ChatTestClient client) {
        return client.nextMatching(ServerFrame.class, f -> f instanceof ServerFrame.Welcome || f instanceof ServerFrame.Error);
    }

    private static List<String> who(ChatTestClient client, String room) {
        client.send(new ClientFrame.Who(room, "who-" + room));
        return client.nextMatching(ServerFrame.Members.class, m -> ("who-" + room).equals(m.ref())).members();
    }

    private static List<ServerFrame.RoomSummary> roomsNamed(ChatTestClient client, String prefix) {
        client.send(new ClientFrame.Rooms("rooms"));
        return client.nextMatching(ServerFrame.RoomList.class, r -> "rooms".equals(r.ref())).rooms().stream()
            .filter(r -> r.room().startsWith(prefix)).toList();
    }

    private static <T> void awaitEqual(T expected, Supplier<T> actual) {
        Instant deadline = Instant.now().plus(ChatTestClient.TIMEOUT);
        T last = actual.get();
        while (!expected.equals(last)) {
            assertFalse(Instant.now().isAfter(deadline), "expected " + expected + " but still " + last);
            last = actual.get();
        }
    }
}
