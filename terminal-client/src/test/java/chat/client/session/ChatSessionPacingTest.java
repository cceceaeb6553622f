package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a session sends at a welcome that has much to catch up on, with a gateway the test plays over a real socket and
 * a clock it steps: no faster than a gateway takes, so that nothing of it is dropped as over the rate.
 */
class ChatSessionPacingTest {
    private static final int CONVERSATIONS = 60;
    private static final Duration QUIET = Duration.ofMillis(300);

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final SteppedClock clock = new SteppedClock();
    private final ChatSession session = new ChatSession("alice", List.of(gateway.address()), clock,
        new SplittableRandom(5), new ChatSession.Listener() {});

    ChatSessionPacingTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        session.close();
        gateway.close();
    }

    @Test
    void aWelcomeThatCatchesUpManyConversationsSendsNoFasterThanTheGatewayTakes() throws Exception {
        session.start();
        for (int i = 0; i < CONVERSATIONS; i++) {
            session.openConversation("friend" + i);
        }
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "s1", "gw1", true, null));

        assertEquals(SendPacer.BURST - 1, framesUntilQuiet(), "the burst, of which the hello took one");
        clock.step(Duration.ofSeconds(1));
        assertEquals(SendPacer.PER_SECOND, framesUntilQuiet(), "then the rate");
        clock.step(Duration.ofSeconds(1));
        assertEquals(CONVERSATIONS - (SendPacer.BURST - 1) - SendPacer.PER_SECOND, framesUntilQuiet(),
            "until every conversation asked its page");
    }

    /** Counts the frames (pages asked) that come until none comes for a while. */
    private int framesUntilQuiet() throws InterruptedException {
        int count = 0;
        for (ClientFrame f = gateway.nextWithin(QUIET); f != null; f = gateway.nextWithin(QUIET)) {
            assertEquals(ClientFrame.History.class, f.getClass(), "only pages are asked: " + f);
            count++;
        }
        return count;
    }
}
