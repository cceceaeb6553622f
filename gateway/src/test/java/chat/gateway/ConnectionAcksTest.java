package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.MessageKey;
import chat.protocol.ServerFrame;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which copy of a message its sender's ack names. Kafka's answer and the fan-out's read-back are handed to the
 * connection by the test, in the orders they can come in; the client's end of a loopback socket reads what it is sent.
 */
class ConnectionAcksTest {
    private static final MessageKey MESSAGE = new MessageKey("lobby", "alice", "a-1");
    private static final String FIRST_TS = "2026-12-02T10:00:00.000Z";
    private static final String SECOND_TS = "2026-12-02T10:00:04.000Z";

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    private final BufferedReader fromGateway = new BufferedReader(
        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    private final Connection connection = new Connection(1, listener.accept(),
        GatewayConfig.parse(new String[0], Map.of()), new Connection.Handler() {
            @Override
            public void dispatch(Connection c, ClientFrame frame) {
                throw new AssertionError("the client says nothing, yet the connection read " + frame);
            }

            @Override
            public void disconnected(Connection c) {
                // Nothing to release: the connection never said hello.
            }
        }, new GatewayMetrics(), Time.system(), () -> { });

    ConnectionAcksTest() throws Exception {
        // The client says nothing: well within the gateway's patience for a first line, the test is over.
        connection.start();
        client.setSoTimeout(10_000);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        listener.close();
    }

    @Test
    void aMessageIsAckedAsSoonAsKafkaHasIt() throws Exception {
        connection.expectAck(MESSAGE, "r1", false);
        connection.ackFromKafka(MESSAGE, 12, FIRST_TS);
        connection.readBack(MESSAGE, 12, FIRST_TS);
        assertEquals(List.of(new ServerFrame.Ack("a-1", 12, FIRST_TS, "r1")), framesUpToAPong());
    }

    @Test
    void aResendIsAckedAsTheFirstCopyTheFanOutReadsNotAsTheCopyKafkaJustTook() throws Exception {
        // Another gateway wrote the first copy at 12 and died before its ack; this one wrote the resend at 20.
        connection.expectAck(MESSAGE, "r2", true);
        connection.ackFromKafka(MESSAGE, 20, SECOND_TS);
        connection.readBack(MESSAGE, 12, FIRST_TS);
        connection.readBack(MESSAGE, 12, FIRST_TS);
        assertEquals(List.of(new ServerFrame.Ack("a-1", 12, FIRST_TS, "r2")), framesUpToAPong());
    }

    @Test
    void aResendWithNoEarlierCopyIsAckedWhenTheFanOutReadsIt() throws Exception {
        connection.expectAck(MESSAGE, "r3", true);
        connection.ackFromKafka(MESSAGE, 20, SECOND_TS);
        connection.readBack(MESSAGE, 20, SECOND_TS);
        assertEquals(List.of(new ServerFrame.Ack("a-1", 20, SECOND_TS, "r3")), framesUpToAPong());
    }

    @Test
    void aResendRepeatedOnTheConnectionKeepsWaitingForTheReadBackUnderTheNewRef() throws Exception {
        connection.expectAck(MESSAGE, "r4", true);
        connection.awaitingAck(MESSAGE, "r5");
        connection.ackFromKafka(MESSAGE, 20, SECOND_TS);
        connection.readBack(MESSAGE, 12, FIRST_TS);
        assertEquals(List.of(new ServerFrame.Ack("a-1", 12, FIRST_TS, "r5")), framesUpToAPong());
    }

    /** Everything the client is sent before a pong the test queues last. */
    private List<ServerFrame> framesUpToAPong() throws Exception {
        connection.send(new ServerFrame.Pong("end"));
        List<ServerFrame> frames = new ArrayList<>();
        for (String line = fromGateway.readLine(); line != null; line = fromGateway.readLine()) {
            ServerFrame frame = FrameCodec.decodeServer(line);
            if (frame.equals(new ServerFrame.Pong("end"))) {
                return frames;
            }
            frames.add(frame);
        }
        throw new AssertionError("the connection ended after " + frames);
    }
}
