package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that welcomes the session and then reads nothing more, its socket's small buffers soon full, as a
 * frozen process's are: the session's thread is never held up by a write that cannot complete. It still answers its
 * user, and gives the gateway up as one that stopped answering pings.
 */
class ChatSessionStuckGatewayTest {
    /**
     * A line of a megabyte, longer than a gateway takes (the client leaves that check to it): thirty of them are far
     * more than the socket's buffers hold.
     */
    private static final String HUGE = "x".repeat(1 << 20);

    private final ServerSocket server = new ServerSocket();
    private final CompletableFuture<Socket> stuck = new CompletableFuture<>();
    private final SteppedClock clock = new SteppedClock();
    private final BlockingQueue<Failover.State> states = new LinkedBlockingQueue<>();
    private final ChatSession session;

    ChatSessionStuckGatewayTest() throws IOException {
        // Set before bind, so that the accepted socket advertises a small window from the start.
        server.setReceiveBufferSize(4_096);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(this::welcomeAndStopReading);
        session = new ChatSession("alice", List.of(new Failover.Gateway("127.0.0.1", server.getLocalPort())), clock,
            new SplittableRandom(9), new ChatSession.Listener() {
                @Override
                public void state(Failover.State state) {
                    states.add(state);
                }
            });
    }

    @AfterEach
    void stop() throws Exception {
        session.close();
        Socket s = stuck.getNow(null);
        if (s != null) {
            s.close();
        }
        server.close();
    }

    /** Reads the hello, welcomes it, and then reads nothing. */
    private void welcomeAndStopReading() {
        try {
            Socket s = server.accept();
            new LineReader(s.getInputStream(), Limits.MAX_LINE_BYTES).readLine();
            s.getOutputStream().write((FrameCodec.encode(new ServerFrame.Welcome("alice", "s1", "gw1", false, null))
                + "\n").getBytes(StandardCharsets.UTF_8));
            stuck.complete(s);
        } catch (IOException | ProtocolException e) {
            stuck.completeExceptionally(e);
        }
    }

    @Test
    void aGatewayThatTakesNoMoreBytesHoldsNothingUpAndIsGivenUpForItsSilence() throws Exception {
        session.start();
        await(Failover.State.Connected.class);
        stuck.get(10, TimeUnit.SECONDS);

        // Far more than the socket's buffers take: a session that wrote on its own thread would now hang there.
        for (int i = 0; i < SendPacer.BURST; i++) {
            session.say("@bob", HUGE);
        }
        Eventually.shows(session, shown -> shown.entries("@bob").stream().filter(e -> e.text().equals(HUGE)).count()
            == SendPacer.BURST, "what its user said: it still answers");

        // Time passes for the session, a second at a step, until it gives the gateway up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Failover.State state;
        do {
            clock.step(Duration.ofSeconds(1));
            state = states.poll(50, TimeUnit.MILLISECONDS);
        } while (!(state instanceof Failover.State.Waiting) && System.nanoTime() < deadline);
        Failover.State.Waiting given = assertInstanceOf(Failover.State.Waiting.class, state,
            "the session never gave the gateway up");
        assertTrue(given.why().startsWith("no pong") || given.why().contains("takes nothing more"), given.why());
    }

    private <T extends Failover.State> T await(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Failover.State state = states.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (state == null) {
                throw new AssertionError("the session was never " + type.getSimpleName() + " within 10 s");
            }
            if (type.isInstance(state)) {
                return type.cast(state);
            }
        }
    }
}
