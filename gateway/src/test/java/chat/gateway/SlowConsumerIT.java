package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is cut off, and the others on the same gateway miss nothing meanwhile: another member
 * of the room gets each message before the next is said, all the while the stuck one's queue fills and it is cut off.
 */
class SlowConsumerIT {

    @Test
    void aClientThatStopsReadingIsCutOffWhileAnotherKeepsGettingEveryMessage() throws Exception {
        Gateway gateway = TestGateway.of("slow", TestGateway.freshTopic()).with("--outbound-queue", "64")
            .with(TestGateway.UNLIMITED_RATE).start(Gateway::start);
        try (Socket stuck = new Socket();
             ChatTestClient talker = ChatTestClient.login(gateway.port(), "talker");
             ChatTestClient listener = ChatTestClient.login(gateway.port(), "listener")) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            OutputStream out = stuck.getOutputStream();
            out.write((FrameCodec.encode(new ClientFrame.Hello("stuck", 1, null, null)) + "\n"
                + FrameCodec.encode(new ClientFrame.Join("flood", null, null)) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            talker.join("flood");
            listener.join("flood");
            awaitMembers(talker, "flood", 3);

            String big = "z".repeat(3_900);
            int sent = 0;
            long slowest = 0;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (gateway.metrics().connectionsClosed(CloseReason.SLOW_CONSUMER) == 0) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the stuck client was not cut off after " + sent + " messages");
                }
                long said = System.nanoTime();
                talker.say("flood", big + sent, "f" + sent);
                // Keep the test client's own inbox in step so the talker is never the slow one.
                talker.nextMatching(ServerFrame.Message.class, m -> true);
                // The listener has each message before the next is said: it never waits behind the stuck client.
                assertEquals("f" + sent, listener.nextMatching(ServerFrame.Message.class, m -> m.room().equals("flood")).id(),
                    "the listener's next message, in order");
                slowest = Math.max(slowest, System.nanoTime() - said);
                sent++;
            }
            talker.say("flood", "after the cut", "last");
            sent++;
            assertEquals("last", listener.nextMatching(ServerFrame.Message.class, m -> m.room().equals("flood")).id());
            System.out.printf("SlowConsumerIT: the stuck client was cut off after %d messages; the listener had each"
                + " within %.1f ms of its say%n", sent - 1, slowest / 1e6);

            // The stuck client, read at last, holds what the gateway sent before the cut, then the end of the stream.
            List<String> stuckGot = messageIdsUntilTheStreamEnds(stuck);
            assertTrue(stuckGot.size() < sent - 1, "cut off well before the flood ended: " + stuckGot.size() + " of " + sent);
            for (int i = 0; i < stuckGot.size(); i++) {
                assertEquals("f" + i, stuckGot.get(i), "a first part of the flood, in order, with nothing missing");
            }
            assertEquals(1, ScrapedMetrics.scrape(gateway.adminPort())
                .value("chat_gateway_connections_closed_total", "reason=\"slow_consumer\""), "the cut-off is counted");
        } finally {
            gateway.close();
        }
    }

    private static void awaitMembers(ChatTestClient client, String room, int count) {
        Instant deadline = Instant.now().plus(ChatTestClient.TIMEOUT);
        List<String> members;
        while ((members = who(client, room)).size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("room " + room + " never had " + count + " members: " + members);
            }
        }
    }

    private static List<String> who(ChatTestClient client, String room) {
        client.send(new ClientFrame.Who(room, "who"));
        return client.nextMatching(ServerFrame.Members.class, m -> m.room().equals(room)).members();
    }

    /**
     * Reads the stuck client's socket until the gateway's close ends the stream: the ids of the room's messages in
     * it, in order. A last line cut short by the close is passed over; a slow_consumer error, if it got through, must
     * be the last frame. Fails if the stream has not ended within the timeout.
     */
    private static List<String> messageIdsUntilTheStreamEnds(Socket socket) throws IOException {
        socket.setSoTimeout((int) ChatTestClient.TIMEOUT.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(received);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stuck client's stream did not end within " + ChatTestClient.TIMEOUT
                + " of reading; " + received.size() + " bytes came");
        } catch (SocketException e) {
            // A reset ends the stream too; what came before it is read.
        }
        String text = received.toString(StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            ServerFrame frame;
            try {
                frame = FrameCodec.decodeServer(lines[i]);
            } catch (ProtocolException e) {
                throw new AssertionError("line " + i + " of what the stuck client got is not a frame: " + e.getMessage());
            }
            if (frame instanceof ServerFrame.Message m && m.room().equals("flood")) {
                ids.add(m.id());
            } else if (frame instanceof ServerFrame.Error error) {
                assertEquals(ErrorCode.SLOW_CONSUMER, error.code());
                assertEquals(lines.length - 1, i, "the slow_consumer error is the last frame");
            }
        }
        return ids;
    }
}
