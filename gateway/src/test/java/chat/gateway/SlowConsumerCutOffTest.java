package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What becomes of a client that does not read, on stepped time. The connection is never started, so its writer never
 * runs: as with a writer stuck on a full TCP window, only the grace's timer closes the socket, which is never connected.
 */
class SlowConsumerCutOffTest {
    private final SteppedTime time = new SteppedTime();
    private final Socket socket = new Socket();
    private final CountDownLatch disconnected = new CountDownLatch(1);
    private final Connection connection;

    SlowConsumerCutOffTest() throws Exception {
        // The queue's smallest size: eight frames fill it.
        GatewayConfig limits = GatewayConfig.parse(new String[] {"--outbound-queue", "8"}, Map.of());
        connection = new Connection(1, socket, limits, new Connection.Handler() {
            @Override
            public void dispatch(Connection c, ClientFrame frame) {
                throw new AssertionError("nothing is read");
            }

            @Override
            public void disconnected(Connection c) {
                disconnected.countDown();
            }
        }, new GatewayMetrics(), time, () -> { });
    }

    private void overflow() {
        for (int i = 0; i < 8; i++) {
            connection.send(new ServerFrame.Pong("p" + i));
        }
        assertTrue(connection.isOpen(), "a full queue is not yet an overflow");
        connection.send(new ServerFrame.Pong("one too many"));
    }

    @Test
    void theFrameThatOverflowsTheQueueCutsTheClientOffAndEndsItsSession() throws Exception {
        overflow();
        assertFalse(connection.isOpen());
        assertEquals(1, connection.queuedFrames(), "the backlog is dropped for the slow_consumer error alone");
        assertTrue(disconnected.await(10, TimeUnit.SECONDS), "its session ends without waiting for the socket");
    }

    @Test
    void theSocketIsClosedOnlyOnceTheLastFrameHadItsGraceToGoOut() {
        overflow();
        assertEquals(1, time.waiting());
        time.step(Connection.SLOW_CONSUMER_GRACE.minus(Duration.ofNanos(1)));
        assertFalse(socket.isClosed(), "the writer may still get the error out");
        time.step(Duration.ofNanos(1));
        assertTrue(socket.isClosed(), "a writer stuck on a full TCP window is given up");
    }
}
