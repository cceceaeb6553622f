package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A room's member list as the session keeps it, with a gateway the test plays over a real socket: coalesced notices
 * change it by every nick they name, and the pages a gateway sends of a room that went quiet or is announced again
 * replace it.
 */
class ChatSessionMembersTest {
    private final ScriptedGateway gateway = new ScriptedGateway();
    /** Every member list the session reported for the lobby, in order. */
    private final BlockingQueue<List<String>> lists = new LinkedBlockingQueue<>();
    private final ChatSession session = new ChatSession("alice", List.of(gateway.address()), Clock.systemUTC(),
        new SplittableRandom(3), new ChatSession.Listener() {
            @Override
            public void members(String room, List<String> members) {
                if (room.equals("lobby")) {
                    lists.add(members);
                }
            }
        });

    ChatSessionMembersTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        session.close();
        gateway.close();
    }

    @Test
    void noticesAndPagesOfABigRoomKeepItsListRight() throws Exception {
        session.start();
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "s1", "gw1", false, null));
        session.join("lobby");
        ClientFrame.Join join = gateway.expect(ClientFrame.Join.class);
        gateway.send(new ServerFrame.Joined("lobby", List.of("alice", "Zed"), 0, join.ref()));
        assertEquals(List.of("alice", "Zed"), nextList());

        gateway.send(new ServerFrame.Presence("lobby", "join", List.of("bob", "Carol", "dan")));
        assertEquals(List.of("alice", "bob", "Carol", "dan", "Zed"), nextList(), "one notice, three members");
        gateway.send(new ServerFrame.Presence("lobby", "leave", List.of("Zed", "bob")));
        assertEquals(List.of("alice", "Carol", "dan"), nextList());

        gateway.send(new ServerFrame.Members("lobby", List.of("alice", "amy"), 900, true, true, null));
        assertEquals(List.of("alice", "amy"), nextList(), "a quiet room's first page replaces the list");
        gateway.send(new ServerFrame.Members("lobby", List.of("alice", "eve"), 2, false, false, null));
        assertEquals(List.of("alice", "eve"), nextList(), "announced again: the whole list");
    }

    private List<String> nextList() throws InterruptedException {
        List<String> next = lists.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the session reported no member list within 10 s");
        }
        return next;
    }
}
