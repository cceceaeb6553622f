package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that answers a ping while the session's thread is behind on the frames before the answer: the pong counts
 * when it is read, so the session keeps the gateway rather than leave it for a silence that was its own.
 */
class ChatSessionBacklogTest {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final SteppedClock clock = new SteppedClock();
    /** Counted down when the session's thread is in the listener, held there until {@link #release}. */
    private final CountDownLatch busy = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch welcomed = new CountDownLatch(1);
    private final ChatSession session;
    private Socket gateway;

    ChatSessionBacklogTest() throws IOException {
        session = new ChatSession("alice", List.of(new Failover.Gateway("127.0.0.1", server.getLocalPort())), clock,
            new SplittableRandom(5), new ChatSession.Listener() {
                @Override
                public void welcomed(String token) {
                    welcomed.countDown();
                }

                @Override
                public void arrived(String stream, Timeline.Entry message) {
                    // A screen or a handler that takes its time: the session's thread is held here.
                    busy.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        session.close();
        if (gateway != null) {
            gateway.close();
        }
        server.close();
    }

    @Test
    void aPongReadBehindFramesTheSessionHasNotHandledYetKeepsTheGateway() throws Exception {
        session.start();
        server.setSoTimeout(10_000);
        gateway = server.accept();
        gateway.setSoTimeout(10_000);
        LineReader reader = new LineReader(gateway.getInputStream(), Limits.MAX_LINE_BYTES);
        assertInstanceOf(ClientFrame.Hello.class, FrameCodec.decodeClient(reader.readLine()));
        write(new ServerFrame.Welcome("alice", "s1", "gw1", false, null));
        assertTrue(welcomed.await(10, TimeUnit.SECONDS), "the session never took its welcome");

        clock.step(Duration.ofSeconds(2));
        assertInstanceOf(ClientFrame.Ping.class, FrameCodec.decodeClient(reader.readLine()), "the first ping");
        // Messages, more than the session takes in one turn, and right behind them the answer; the session's thread is
        // held by the first message.
        List<ServerFrame> frames = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            frames.add(new ServerFrame.Dm("bob", "alice", "hello " + i, "b-" + i, 7 + i, "2026-11-23T10:00:00Z"));
        }
        frames.add(new ServerFrame.Pong(null));
        write(frames.toArray(ServerFrame[]::new));
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the session never handled the message");
        awaitPongRead();

        // Longer than a ping may wait for its pong passes while the session is busy.
        clock.step(Duration.ofSeconds(6));
        release.countDown();

        String next = reader.readLine();
        assertTrue(next != null, "the session left the gateway that had answered");
        assertInstanceOf(ClientFrame.Ping.class, FrameCodec.decodeClient(next), "the next ping, on the same connection");
    }

    /** Waits until the session's reader has read the pong, while its thread is held behind the messages. */
    private void awaitPongRead() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (session.pongsRead() == 0) {
            assertTrue(System.nanoTime() < deadline, "the session never read the pong");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void write(ServerFrame... frames) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (ServerFrame frame : frames) {
            lines.append(FrameCodec.encode(frame)).append('\n');
        }
        gateway.getOutputStream().write(lines.toString().getBytes(StandardCharsets.UTF_8));
        gateway.getOutputStream().flush();
    }
}
