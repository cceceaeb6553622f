package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.ScrapedMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client that stops reading is cut off, and the others on the same gateway miss nothing meanwhile. */
class SlowConsumerIT {

    @Test
    void aClientThatStopsReadingIsCutOffWhileAnotherKeepsGettingEveryMessage() throws Exception {
        Gateway gateway = TestGateways.start("slow", TestGateways.freshTopic(), "--outbound-queue", "64",
            "--rate", "1000000", "--burst", "1000000");
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
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (gateway.metrics().connectionsClosed(CloseReason.SLOW_CONSUMER) == 0) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("the stuck client was not cut off after " + sent + " messages");
                }
                talker.say("flood", big + sent, "f" + sent);
                sent++;
                // Keep the test client's own inbox in step so the talker is never the slow one.
                talker.nextMatching(ServerFrame.Message.class, m -> true);
            }
            talker.say("flood", "after the cut", "last");
            sent++;

            List<ServerFrame.Message> got = listener.messages("flood", sent);
            for (int i = 0; i < sent - 1; i++) {
                assertEquals("f" + i, got.get(i).id());
            }
            assertEquals("last", got.getLast().id());
            assertStreamEnds(stuck.getInputStream());
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

    /** Reads what the gateway managed to send before the cut and then meets the end of the stream. */
    private static void assertStreamEnds(InputStream in) throws IOException {
        byte[] buffer = new byte[65_536];
        while (in.read(buffer) >= 0) {
            // Drain until the gateway's close arrives.
        }
    }
}
