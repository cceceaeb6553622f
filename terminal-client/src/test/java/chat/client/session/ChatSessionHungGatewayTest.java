package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that welcomes the session and then reads nothing more, over a real socket: the session's writes pile up
 * in the kernel until one cannot go, and the session, whose thread never writes, still answers at once, and moves on
 * as the stepped clock passes 5 s. Which rule sees it first depends on how far the writer got when the clock was
 * stepped: a write that waited 5 s, or the ping queued behind it and never answered ({@link SessionCoreTest} pins
 * each rule on its own).
 */
class ChatSessionHungGatewayTest {
    private static final int MESSAGES = 3_000;

    private final ServerSocket server = unbuffered();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final SteppedClock clock = new SteppedClock();
    private final LobbyWatch watch = new LobbyWatch();
    private final ChatSession session = new ChatSession("alice",
        List.of(new Failover.Gateway("127.0.0.1", server.getLocalPort())), clock, new SplittableRandom(9), watch);

    ChatSessionHungGatewayTest() throws IOException {}

    /** A listening socket whose connections take at most 64 KiB unread, however far the kernel would let them grow. */
    private static ServerSocket unbuffered() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReceiveBufferSize(64 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        session.close();
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aGatewayThatStopsReadingIsLeftAndTheSessionAnswersWhileItsWritesWait() throws Exception {
        session.start();
        Socket gateway = server.accept();
        accepted.add(gateway);
        LineReader reader = new LineReader(gateway.getInputStream(), Limits.MAX_LINE_BYTES);
        assertTrue(FrameCodec.decodeClient(reader.readLine()) instanceof ClientFrame.Hello);
        OutputStream out = gateway.getOutputStream();
        out.write((FrameCodec.encode(new ServerFrame.Welcome("alice", "s1", "gw1", false, null)) + "\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
        awaitState(Failover.State.Connected.class);

        // Far more than the buffers of both sides hold: the writer's last writes cannot go.
        String text = "x".repeat(Limits.MAX_TEXT_CODE_POINTS);
        for (int i = 0; i < MESSAGES; i++) {
            session.say("@bob", text);
        }
        assertEquals(MESSAGES, session.entries("@bob").stream().filter(e -> !e.isNotice()).count(),
            "the session's thread answers while its writer waits");

        Failover.State.Waiting left = null;
        for (int step = 0; step < 20 && left == null; step++) {
            clock.step(Duration.ofSeconds(6));
            left = waitingWithin(Duration.ofMillis(500));
        }
        assertTrue(left != null, "the session never left the gateway");
        assertTrue(List.of("a write waited 5 s", "no pong for 5 s").contains(left.why()), left.why());
    }

    private Failover.State.Waiting waitingWithin(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Failover.State state = watch.states.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (state == null || state instanceof Failover.State.Waiting) {
                return (Failover.State.Waiting) state;
            }
        }
    }

    private void awaitState(Class<? extends Failover.State> wanted) throws InterruptedException {
        for (Failover.State state = watch.nextState(); !wanted.isInstance(state); state = watch.nextState()) {
            // Until the session reports it.
        }
    }
}
