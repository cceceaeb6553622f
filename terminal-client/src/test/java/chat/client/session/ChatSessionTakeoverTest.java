package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bye "resumed elsewhere"}: another client holding the session's token ends this one, but a hello this client
 * gave up on (its gateway too slow to welcome it) that the gateway took up late does not: the session resumes again.
 * The gateway is played by the test over a real socket, and the clock is stepped.
 */
class ChatSessionTakeoverTest {
    private final ScriptedGateway gateway = new ScriptedGateway();
    private final SteppedClock clock = new SteppedClock();
    private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
    private final BlockingQueue<Failover.State> states = new LinkedBlockingQueue<>();
    private final ChatSession session = new ChatSession("alice", List.of(gateway.address()), clock,
        new SplittableRandom(7), new ChatSession.Listener() {
            @Override
            public void state(Failover.State state) {
                states.add(state);
            }

            @Override
            public void refused(String why) {
                refusals.add(why);
            }
        }, "token-1");

    ChatSessionTakeoverTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        session.close();
        gateway.close();
    }

    @Test
    void anotherClientTakingTheSessionOverEndsIt() throws Exception {
        session.start();
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Welcome("alice", "token-1", "gw1", false, null), new ServerFrame.Bye("resumed elsewhere", null));
        String why = refusals.poll(10, TimeUnit.SECONDS);
        assertEquals("another client took over the session of alice (it was started again elsewhere)", why);
    }

    @Test
    void itsOwnAbandonedResumeTakingTheSessionOverDoesNotEndIt() throws Exception {
        session.start();
        assertEquals("token-1", gateway.expect(ClientFrame.Hello.class).session(), "the first hello resumes");
        // No welcome comes: the session gives up on this gateway after 5 s and tries again.
        awaitState(Failover.State.Connecting.class);
        clock.step(Duration.ofSeconds(6));
        awaitState(Failover.State.Waiting.class);
        clock.step(Duration.ofSeconds(1));
        ScriptedGateway.Received second = gateway.expectReceived(ClientFrame.Hello.class);
        assertEquals(2, second.connection());
        gateway.send(new ServerFrame.Welcome("alice", "token-1", "gw1", false, null));
        awaitState(Failover.State.Connected.class);

        // The gateway takes the abandoned hello up at last, and the session moves there: this connection is told so.
        gateway.send(new ServerFrame.Bye("resumed elsewhere", null));
        awaitState(Failover.State.Waiting.class);
        clock.step(Duration.ofSeconds(1));
        assertEquals("token-1", gateway.expect(ClientFrame.Hello.class).session(), "it resumes again");
        gateway.send(new ServerFrame.Welcome("alice", "token-1", "gw1", false, null));
        awaitState(Failover.State.Connected.class);

        // Another gateway it gave up on may take a hello up late too.
        gateway.send(new ServerFrame.Bye("resumed elsewhere", null));
        awaitState(Failover.State.Waiting.class);
        clock.step(Duration.ofSeconds(1));
        assertEquals("token-1", gateway.expect(ClientFrame.Hello.class).session(), "it resumes once more");
        assertNull(refusals.poll(100, TimeUnit.MILLISECONDS), "and does not end");
    }

    @Test
    void theNickHeldByAHelloItGaveUpOnDoesNotEndIt() throws Exception {
        session.start();
        gateway.expect(ClientFrame.Hello.class);
        awaitState(Failover.State.Connecting.class);
        clock.step(Duration.ofSeconds(6));
        awaitState(Failover.State.Waiting.class);
        clock.step(Duration.ofSeconds(1));
        gateway.expect(ClientFrame.Hello.class);
        awaitState(Failover.State.Connecting.class);
        gateway.send(new ServerFrame.Error(ErrorCode.NICK_TAKEN, "alice is taken", null));
        awaitState(Failover.State.Waiting.class);
        clock.step(Duration.ofSeconds(5));
        gateway.expect(ClientFrame.Hello.class);
        assertNull(refusals.poll(100, TimeUnit.MILLISECONDS), "it says hello again rather than end");
    }

    private void awaitState(Class<? extends Failover.State> wanted) throws InterruptedException {
        while (true) {
            Failover.State state = states.poll(10, TimeUnit.SECONDS);
            if (state == null) {
                throw new AssertionError("the session never became " + wanted.getSimpleName());
            }
            if (wanted.isInstance(state)) {
                return;
            }
        }
    }
}
