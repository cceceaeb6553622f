package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateways on one real Kafka: what is said on one reaches the members on the other. */
class CrossGatewayMessagingIT {
    private static Gateway gw1;
    private static Gateway gw2;

    @BeforeAll
    static void startGateways() {
        String topic = TestGateway.freshTopic();
        gw1 = TestGateway.of("gw1", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
        gw2 = TestGateway.of("gw2", topic).with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
    }

    @AfterAll
    static void stopGateways() {
        gw1.close();
        gw2.close();
    }

    @Test
    void messagesSaidOnOneGatewayReachMembersOnTheOtherInTheOrderSent() {
        try (ChatTestClient alice = ChatTestClient.login(gw1.port(), "alice");
             ChatTestClient bob = ChatTestClient.login(gw2.port(), "bob")) {
            alice.join("order");
            bob.join("order");
            int count = 300;
            for (int i = 0; i < count; i++) {
                alice.say("order", "message " + i, "m" + i);
            }
            List<ServerFrame.Message> seenByBob = bob.messages("order", count);
            List<ServerFrame.Message> seenByAlice = alice.messages("order", count);
            for (int i = 0; i < count; i++) {
                assertEquals("message " + i, seenByBob.get(i).text());
                assertEquals("alice", seenByBob.get(i).from());
                assertEquals(seenByBob.get(i), seenByAlice.get(i), "both gateways deliver the same message");
                if (i > 0) {
                    assertTrue(seenByBob.get(i).seq() > seenByBob.get(i - 1).seq(), "seq grows within a room");
                }
            }
        }
    }

    @Test
    void theSenderGetsItsAckBeforeItsOwnMessage() {
        try (ChatTestClient carol = ChatTestClient.login(gw1.port(), "carol")) {
            carol.join("acks");
            int count = 200;
            for (int i = 0; i < count; i++) {
                carol.send(new ClientFrame.Say("acks", "hello " + i, "a" + i, "r" + i));
            }
            List<String> acked = new ArrayList<>();
            for (int received = 0; received < 2 * count; received++) {
                ServerFrame frame = carol.nextMatching(ServerFrame.class,
                    f -> f instanceof ServerFrame.Ack || f instanceof ServerFrame.Message);
                if (frame instanceof ServerFrame.Ack ack) {
                    assertEquals("r" + ack.id().substring(1), ack.ref(), "an ack echoes the say's ref");
                    acked.add(ack.id());
                } else {
                    ServerFrame.Message message = (ServerFrame.Message) frame;
                    assertTrue(acked.contains(message.id()), "ack of " + message.id() + " came before its message");
                }
            }
            assertEquals(count, acked.size());
        }
    }

    @Test
    void theAckCarriesTheSeqAndTimestampOfTheDeliveredMessage() {
        try (ChatTestClient dave = ChatTestClient.login(gw2.port(), "dave")) {
            dave.join("stamps");
            Instant before = Instant.now().minusSeconds(1);
            dave.send(new ClientFrame.Say("stamps", "tick", "t1", "ref-t1"));
            ServerFrame.Ack ack = dave.next(ServerFrame.Ack.class);
            ServerFrame.Message message = dave.next(ServerFrame.Message.class);
            assertEquals("ref-t1", ack.ref());
            assertEquals(ack.seq(), message.seq());
            assertEquals(ack.ts(), message.ts());
            Instant ts = Instant.parse(message.ts());
            assertTrue(!ts.isBefore(before) && ts.isBefore(Instant.now().plusSeconds(1)), "ts is the gateway's now: " + ts);
        }
    }

    @Test
    void aResendOfTheSameIdIsDeliveredOnce() {
        try (ChatTestClient erin = ChatTestClient.login(gw1.port(), "erin");
             ChatTestClient frank = ChatTestClient.login(gw2.port(), "frank")) {
            erin.join("resend");
            frank.join("resend");
            erin.say("resend", "only once", "dup-1");
            ServerFrame.Ack first = erin.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("dup-1"));
            assertEquals("dup-1", frank.nextMatching(ServerFrame.Message.class, m -> true).id());

            erin.say("resend", "only once", "dup-1");
            ServerFrame.Ack again = erin.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("dup-1"));
            assertEquals(first.seq(), again.seq(), "the resend is acked as the original");
            erin.say("resend", "next one", "dup-2");

            assertEquals("dup-2", frank.nextMatching(ServerFrame.Message.class, m -> true).id(),
                "the resent message was not delivered a second time");
            ServerFrame.Message erinsNext = erin.nextMatching(ServerFrame.Message.class, m -> !m.id().equals("dup-1"));
            assertEquals("dup-2", erinsNext.id());
        }
    }

    @Test
    void aResendToAGatewayStartedAfterTheFirstCopyIsAckedAsTheFirstCopy() {
        String topic = TestGateway.freshTopic();
        ServerFrame.Ack first;
        try (Gateway before = TestGateway.of("before", topic).start(Gateway::start);
             ChatTestClient ivan = ChatTestClient.login(before.port(), "ivan")) {
            ivan.join("restarted");
            ivan.say("restarted", "said before the restart", "r-1");
            first = ivan.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("r-1"));
        }
        // The ack was lost with the gateway, as far as the client knows: it resends to one started since.
        try (Gateway after = TestGateway.of("after", topic).start(Gateway::start);
             ChatTestClient ivan = ChatTestClient.login(after.port(), "ivan")) {
            ivan.join("restarted");
            ivan.say("restarted", "said before the restart", "r-1");
            ServerFrame.Ack again = ivan.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("r-1"));
            assertEquals(first.seq(), again.seq(), "acked as the copy written before the restart");
            ivan.say("restarted", "said after it", "r-2");
            assertEquals("r-2", ivan.nextMatching(ServerFrame.Message.class, m -> m.seq() > first.seq()).id(),
                "the resend was not delivered again");
        }
    }

    @Test
    void theSameIdFromTwoSendersIsTwoMessages() {
        try (ChatTestClient gina = ChatTestClient.login(gw1.port(), "gina");
             ChatTestClient hank = ChatTestClient.login(gw2.port(), "hank")) {
            gina.join("shared-ids");
            hank.join("shared-ids");
            gina.say("shared-ids", "from gina", "1");
            assertEquals("from gina", hank.nextMatching(ServerFrame.Message.class, m -> true).text());
            hank.say("shared-ids", "from hank", "1");
            assertEquals("from hank", gina.nextMatching(ServerFrame.Message.class, m -> m.from().equals("hank")).text());
        }
    }

    @Test
    void joinsPartsAndDisconnectsAreSeenOnEveryGateway() {
        try (ChatTestClient ivy = ChatTestClient.login(gw1.port(), "ivy")) {
            ivy.join("lobby");
            ChatTestClient jack = ChatTestClient.login(gw2.port(), "jack");
            ServerFrame.Joined joined = jack.join("lobby");
            assertTrue(joined.members().containsAll(List.of("ivy", "jack")), "members: " + joined.members());
            assertEquals(new ServerFrame.Presence("lobby", "jack", "join"), ivy.next(ServerFrame.Presence.class));

            jack.send(new ClientFrame.Part("lobby", "p1"));
            assertEquals(new ServerFrame.Parted("lobby", "p1"), jack.nextMatching(ServerFrame.Parted.class, p -> true));
            assertEquals(new ServerFrame.Presence("lobby", "jack", "leave"), ivy.next(ServerFrame.Presence.class));

            jack.join("lobby");
            assertEquals(new ServerFrame.Presence("lobby", "jack", "join"), ivy.next(ServerFrame.Presence.class));
            jack.close();
            assertEquals(new ServerFrame.Presence("lobby", "jack", "leave"), ivy.next(ServerFrame.Presence.class));

            ChatTestClient kim = ChatTestClient.login(gw2.port(), "kim");
            kim.join("lobby");
            assertEquals(new ServerFrame.Presence("lobby", "kim", "join"), ivy.next(ServerFrame.Presence.class));
            kim.send(new ClientFrame.Quit("q"));
            assertEquals(List.of(new ServerFrame.Bye("quit", "q")), kim.awaitClosed().stream()
                .filter(f -> f instanceof ServerFrame.Bye).toList());
            assertEquals(new ServerFrame.Presence("lobby", "kim", "leave"), ivy.next(ServerFrame.Presence.class));
        }
    }

    @Test
    void aNickIsHeldOnceIgnoringCaseAndFreedWhenItsHolderLeaves() {
        try (ChatTestClient first = ChatTestClient.login(gw1.port(), "Lena")) {
            ChatTestClient second = ChatTestClient.connect(gw1.port());
            second.send(new ClientFrame.Hello("lena", 1, null, "h2"));
            ServerFrame.Error taken = second.next(ServerFrame.Error.class);
            assertEquals("nick_taken", taken.code().wireName());
            assertEquals("h2", taken.ref());
            first.send(new ClientFrame.Quit(null));
            first.awaitClosed();
            second.send(new ClientFrame.Hello("lena", 1, null, "h3"));
            assertEquals("h3", second.next(ServerFrame.Welcome.class).ref());
            second.close();
        }
    }

    @Test
    void aStoppingGatewaySaysByeToItsClientsAndTheOthersSeeThemLeave() {
        String topic = TestGateway.freshTopic();
        Gateway doomed = TestGateway.of("doomed", topic).start(Gateway::start);
        Gateway survivor = TestGateway.of("survivor", topic).start(Gateway::start);
        try (ChatTestClient leaving = ChatTestClient.login(doomed.port(), "max");
             ChatTestClient staying = ChatTestClient.login(survivor.port(), "nora")) {
            staying.join("room");
            leaving.join("room");
            staying.next(ServerFrame.Presence.class);
            Instant start = Instant.now();
            doomed.close();
            assertTrue(Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(5)) < 0, "stopped within 5 s");
            List<ServerFrame> last = leaving.awaitClosed();
            assertEquals(new ServerFrame.Bye("shutdown", null), last.getLast());
            assertEquals(new ServerFrame.Presence("room", "max", "leave"), staying.next(ServerFrame.Presence.class));
        } finally {
            survivor.close();
        }
    }
}
