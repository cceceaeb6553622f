package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A room past the announce limit (4 here) goes quiet on two gateways: its members get its first page once, then no
 * word of joins and leaves until it is back to half the limit, when they get the whole list again and notices resume.
 * {@code joined} and {@code who} give the count and pages of the list.
 */
class BigRoomIT {
    private static final String[] ANNOUNCE_FOUR = {"--announce-limit", "4"};
    private static String topic;
    private static Gateway gw1;
    private static Gateway gw2;

    @BeforeAll
    static void startGateways() {
        topic = TestGateway.freshTopic();
        gw1 = TestGateway.of("gw1", topic).with(ANNOUNCE_FOUR).start(Gateway::start);
        gw2 = TestGateway.of("gw2", topic).with(ANNOUNCE_FOUR).start(Gateway::start);
    }

    @AfterAll
    static void stopGateways() {
        gw1.close();
        gw2.close();
    }

    @Test
    void aRoomPastTheLimitGoesQuietAndIsListedWholeAgainAtHalfOfIt() {
        List<ChatTestClient> members = new ArrayList<>();
        try {
            ChatTestClient first = ChatTestClient.login(gw1.port(), "a1");
            members.add(first);
            first.join("big");
            List<String> announced = new ArrayList<>();
            for (int i = 2; i <= 4; i++) {
                ChatTestClient member = ChatTestClient.login((i % 2 == 0 ? gw2 : gw1).port(), "a" + i);
                members.add(member);
                ServerFrame.Joined joined = member.join("big");
                assertEquals(i, joined.count());
                assertFalse(joined.quiet());
                while (!announced.contains("a" + i)) {
                    ServerFrame.Presence p = first.nextMatching(ServerFrame.Presence.class, f -> f.room().equals("big"));
                    assertEquals("join", p.event());
                    announced.addAll(p.nicks());
                }
            }
            assertEquals(List.of("a2", "a3", "a4"), announced, "each join announced once, in order");

            ChatTestClient fifth = ChatTestClient.login(gw2.port(), "a5");
            members.add(fifth);
            ServerFrame.Joined quietJoin = fifth.join("big");
            assertEquals(new ServerFrame.Joined("big", List.of("a1", "a2", "a3", "a4", "a5"), 5, true, quietJoin.live(),
                quietJoin.ref()), quietJoin);
            List<ServerFrame> seen = first.until(f -> f instanceof ServerFrame.Members);
            assertTrue(seen.stream().noneMatch(f -> f instanceof ServerFrame.Presence), "no notice of the fifth: " + seen);
            assertEquals(new ServerFrame.Members("big", List.of("a1", "a2", "a3", "a4", "a5"), 5, true, false, null),
                seen.getLast(), "the room went quiet: its members get its first page, without a ref");

            ChatTestClient sixth = ChatTestClient.login(gw1.port(), "a6");
            members.add(sixth);
            sixth.join("big");
            sixth.say("big", "hello crowd", "m6");
            seen = first.until(f -> f instanceof ServerFrame.Message m && m.id().equals("m6"));
            assertTrue(seen.stream().noneMatch(f -> f instanceof ServerFrame.Presence || f instanceof ServerFrame.Members),
                "a quiet room announces no join: " + seen);

            first.send(new ClientFrame.Who("big", null, 2, "w1"));
            assertEquals(new ServerFrame.Members("big", List.of("a1", "a2"), 6, true, true, "w1"),
                first.next(ServerFrame.Members.class));
            first.send(new ClientFrame.Who("big", "A4", 2, "w2"));
            assertEquals(new ServerFrame.Members("big", List.of("a5", "a6"), 6, true, false, "w2"),
                first.next(ServerFrame.Members.class));

            // Down to 3: still quiet, as 3 is above half the limit. Down to 2: announced again, with the whole list.
            for (int i = 6; i >= 3; i--) {
                ChatTestClient leaving = members.get(i - 1);
                leaving.send(new ClientFrame.Part("big", "p"));
                leaving.nextMatching(ServerFrame.Parted.class, p -> p.room().equals("big"));
            }
            seen = first.until(f -> f instanceof ServerFrame.Members);
            assertTrue(seen.stream().noneMatch(f -> f instanceof ServerFrame.Presence), "leaves of a quiet room: " + seen);
            assertEquals(new ServerFrame.Members("big", List.of("a1", "a2"), 2, false, false, null), seen.getLast());

            members.get(2).send(new ClientFrame.Join("big", null, "again"));
            assertEquals(new ServerFrame.Presence("big", "a3", "join"), first.next(ServerFrame.Presence.class),
                "announced again, the room's joins are told");
        } finally {
            members.forEach(ChatTestClient::close);
        }
    }
}
