package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.Paced;
import chat.testkit.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A connection that floods, idles or never finishes its first line is cut off, and one too many is refused, while a
 * well-behaved client on the same gateway misses nothing. Each test runs a gateway with short limits of its own.
 */
class AbuseLimitsIT {

    @Test
    void framesOverTheBurstGetRateLimitedWithTheirRefAndTheConnectionGoesOn() throws Exception {
        try (Gateway gateway = TestGateway.of("rate", TestGateway.freshTopic()).with("--rate", "10", "--burst", "10")
                .start(Gateway::start);
             ChatTestClient client = ChatTestClient.login(gateway.port(), "eager")) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                burst.append(FrameCodec.encode(new ClientFrame.Ping("p" + i))).append('\n');
            }
            client.sendRaw(burst.toString());
            int pongs = 0;
            for (int i = 0; i < 20; i++) {
                ServerFrame answer = client.nextMatching(ServerFrame.class, f -> true);
                if (answer instanceof ServerFrame.Pong pong) {
                    assertEquals("p" + i, pong.ref());
                    pongs++;
                } else {
                    ServerFrame.Error error = (ServerFrame.Error) answer;
                    assertEquals(ErrorCode.RATE_LIMITED, error.code());
                    assertEquals("p" + i, error.ref(), "the refused frame is named by its ref");
                }
            }
            assertTrue(pongs >= 9 && pongs <= 11, "the burst of 10 (less the hello, plus what refilled) got through: " + pongs);

            // The bucket refills a token every 100 ms: retried, a ping soon gets through again.
            Instant deadline = Instant.now().plus(ChatTestClient.TIMEOUT);
            for (int n = 0; ; n++) {
                String ref = "again" + n;
                client.send(new ClientFrame.Ping(ref));
                ServerFrame answer = client.nextMatching(ServerFrame.class, f -> ref.equals(refOf(f)));
                if (answer instanceof ServerFrame.Pong) {
                    break;
                }
                assertEquals(ErrorCode.RATE_LIMITED, ((ServerFrame.Error) answer).code());
                assertTrue(Instant.now().isBefore(deadline), "the bucket never refilled");
            }
        }
    }

    @Test
    void aClientThatKeepsFloodingIsCutOffWhileAWellBehavedOneMissesNothing() throws Exception {
        try (Gateway gateway = TestGateway.of("flood", TestGateway.freshTopic())
                .with("--rate", "10", "--burst", "10", "--flood-cutoff-ms", "2000").start(Gateway::start);
             ChatTestClient flooder = ChatTestClient.login(gateway.port(), "flooder");
             ChatTestClient talker = ChatTestClient.login(gateway.port(), "talker");
             ChatTestClient listener = ChatTestClient.login(gateway.port(), "listener")) {
            flooder.join("flood");
            talker.join("flood");
            listener.join("flood");
            Instant floodStart = Instant.now();
            String pings = (FrameCodec.encode(new ClientFrame.Ping(null)) + "\n").repeat(5);
            List<String> said = new CopyOnWriteArrayList<>();
            // 500 frames a second against a rate of 10, yet not so many that the gateway's refusals would fill the
            // flooder's queue and cut it off as a slow consumer instead. The talker says about 7 a second, under the
            // rate, until the flooder is cut off.
            try (Paced flood = Paced.every(Duration.ofMillis(10), run -> sendUnlessClosed(flooder, pings));
                 Paced talk = Paced.every(Duration.ofMillis(150), run -> {
                     if (flooder.isClosedByGateway()) {
                         return false;
                     }
                     String id = "s" + run;
                     talker.say("flood", "steady " + id, id);
                     said.add(id);
                     return true;
                 })) {
                talk.await(ChatTestClient.TIMEOUT);
            }
            List<ServerFrame> last = flooder.awaitClosed();
            Duration flooded = Duration.between(floodStart, Instant.now());
            assertEquals(new ServerFrame.Bye("flooding", null), last.getLast());
            assertTrue(flooded.compareTo(Duration.ofSeconds(2)) >= 0, "cut off only after the cut-off: " + flooded);
            assertEquals(1, gateway.metrics().connectionsClosed(CloseReason.FLOODING));
            assertTrue(said.size() >= 5, "the talker spoke through the flood: " + said.size());

            // The marker after the flood shows that nothing was missed, doubled or reordered in between.
            talker.say("flood", "over", "end");
            List<String> expected = new ArrayList<>(said);
            expected.add("end");
            assertEquals(expected,
                listener.messages("flood", expected.size()).stream().map(ServerFrame.Message::id).toList());
        }
    }

    /** Sends the text; false once the gateway has closed the connection. */
    private static boolean sendUnlessClosed(ChatTestClient client, String text) {
        try {
            client.sendRaw(text);
            return !client.isClosedByGateway();
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    @Test
    void aSilentConnectionIsClosedAsIdleWhileOneThatPingsStays() throws Exception {
        try (Gateway gateway = TestGateway.of("idle", TestGateway.freshTopic()).with("--idle-timeout-ms", "1500")
                .start(Gateway::start);
             ChatTestClient quiet = ChatTestClient.connect(gateway.port());
             ChatTestClient pinger = ChatTestClient.login(gateway.port(), "pinger")) {
            Instant pingerLoggedIn = Instant.now();
            Instant quietHelloSent = Instant.now();
            quiet.send(new ClientFrame.Hello("quiet", 1, null, null));
            quiet.next(ServerFrame.Welcome.class);
            // A ping every 250 ms, well within the idle timeout; the rule itself is DeadlineInputStreamTest's.
            try (Paced pings = Paced.every(Duration.ofMillis(250), run -> {
                pinger.send(new ClientFrame.Ping("k" + run));
                return true;
            })) {
                List<ServerFrame> last = quiet.awaitClosed();
                Duration quietFor = Duration.between(quietHelloSent, Instant.now());
                assertEquals(new ServerFrame.Bye("idle", null), last.getLast());
                assertTrue(quietFor.compareTo(Duration.ofMillis(1500)) >= 0, "not before the idle timeout: " + quietFor);
            }
            pinger.send(new ClientFrame.Ping("still"));
            assertEquals("still", pinger.nextMatching(ServerFrame.Pong.class, p -> "still".equals(p.ref())).ref());
            Duration pingerOpen = Duration.between(pingerLoggedIn, Instant.now());
            assertTrue(pingerOpen.compareTo(Duration.ofMillis(1500)) > 0,
                "pinging kept it open past the idle time: " + pingerOpen);
        }
    }

    @Test
    void aConnectionThatNeverFinishesItsFirstLineIsClosedWhileOthersGetTheirMessages() throws Exception {
        try (Gateway gateway = TestGateway.of("loris", TestGateway.freshTopic()).with("--first-line-timeout-ms", "1000")
                .start(Gateway::start);
             ChatTestClient talker = ChatTestClient.login(gateway.port(), "talker");
             ChatTestClient listener = ChatTestClient.login(gateway.port(), "listener");
             Socket loris = new Socket()) {
            talker.join("loris");
            listener.join("loris");
            // Taken before connecting: the gateway's deadline starts when it accepts, which may come before connect
            // returns here.
            Instant connected = Instant.now();
            loris.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            loris.setSoTimeout((int) ChatTestClient.TIMEOUT.toMillis());
            OutputStream out = loris.getOutputStream();
            out.write("{\"type\":\"hel".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String received;
            // A byte every 300 ms, until the gateway closes the connection; the rule itself is DeadlineInputStreamTest's.
            try (Paced trickle = Paced.every(Duration.ofMillis(300), run -> {
                try {
                    out.write('l');
                    out.flush();
                    return true;
                } catch (IOException e) {
                    return false;
                }
            })) {
                for (int i = 0; i < 5; i++) {
                    talker.say("loris", "meanwhile " + i, "l" + i);
                }
                received = readToEnd(loris.getInputStream());
            }
            Duration open = Duration.between(connected, Instant.now());
            assertEquals(FrameCodec.encode(new ServerFrame.Bye("too slow", null)) + "\n", received);
            assertTrue(open.compareTo(Duration.ofMillis(1000)) >= 0, "not before the first-line timeout: " + open);
            assertTrue(open.compareTo(Duration.ofSeconds(5)) < 0, "and soon after it, though bytes kept coming: " + open);
            assertEquals(List.of("l0", "l1", "l2", "l3", "l4"),
                listener.messages("loris", 5).stream().map(ServerFrame.Message::id).toList());
        }
    }

    @Test
    void aConnectionOverTheAddressLimitIsRefusedUntilAPlaceIsFree() {
        try (Gateway gateway = TestGateway.of("limit", TestGateway.freshTopic()).with("--max-connections-per-address", "3")
                .start(Gateway::start);
             ChatTestClient first = ChatTestClient.login(gateway.port(), "first");
             ChatTestClient second = ChatTestClient.login(gateway.port(), "second");
             ChatTestClient third = ChatTestClient.connect(gateway.port())) {
            try (ChatTestClient fourth = ChatTestClient.connect(gateway.port())) {
                List<ServerFrame> got = fourth.awaitClosed();
                assertEquals(1, got.size(), "one frame, then the close: " + got);
                assertEquals(ErrorCode.TOO_MANY_CONNECTIONS, ((ServerFrame.Error) got.getFirst()).code());
            }
            first.send(new ClientFrame.Quit(null));
            first.awaitClosed();
            Instant deadline = Instant.now().plus(ChatTestClient.TIMEOUT);
            while (true) {
                try (ChatTestClient again = ChatTestClient.connect(gateway.port())) {
                    again.send(new ClientFrame.Hello("again", 1, null, null));
                    ServerFrame answer = again.nextMatching(ServerFrame.class,
                        f -> f instanceof ServerFrame.Welcome || f instanceof ServerFrame.Error);
                    if (answer instanceof ServerFrame.Welcome) {
                        break;
                    }
                    assertEquals(ErrorCode.TOO_MANY_CONNECTIONS, ((ServerFrame.Error) answer).code());
                    assertTrue(Instant.now().isBefore(deadline), "the place of the client that quit was never freed");
                }
            }
            assertEquals("second", second.join("still-here").members().getFirst());
        }
    }

    private static String refOf(ServerFrame frame) {
        return switch (frame) {
            case ServerFrame.Pong p -> p.ref();
            case ServerFrame.Error e -> e.ref();
            default -> null;
        };
    }

    /** Everything up to the end of the stream; fails if the gateway keeps the connection open past the timeout. */
    private static String readToEnd(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway did not close the connection within " + ChatTestClient.TIMEOUT);
        }
    }
}
