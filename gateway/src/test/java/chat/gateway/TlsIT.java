package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.LocalHttp;
import chat.testkit.Paced;
import chat.testkit.Poll;
import chat.testkit.TestGateway;
import chat.testkit.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway's TLS port: a client talks TLS end to end beside a plain one; a client that trusts another authority
 * refuses the gateway; and what is not a finished TLS handshake (plain text, silence, a trickle) is closed without
 * holding up anyone else.
 */
class TlsIT {
    private static final TestTls TLS = TestTls.create();
    private static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.of("tls", TestGateway.freshTopic()).with(TLS.gatewayArgs())
            .with("--first-line-timeout-ms", "2000").start(Gateway::start);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aTlsClientTalksWithAPlainOneThroughTheGateway() {
        try (ChatTestClient alice = ChatTestClient.connectTls(gateway.tlsPort(), TLS.clientContext());
             ChatTestClient bob = ChatTestClient.login(gateway.port(), "bobPlain")) {
            alice.send(new ClientFrame.Hello("aliceTls", 1, null, null));
            alice.next(ServerFrame.Welcome.class);
            alice.join("tls-room");
            bob.join("tls-room");

            alice.say("tls-room", "over TLS", "t1");
            ServerFrame.Ack ack = alice.nextMatching(ServerFrame.Ack.class, a -> a.id().equals("t1"));
            ServerFrame.Message atBob = bob.nextMatching(ServerFrame.Message.class, m -> m.id().equals("t1"));
            assertEquals("over TLS", atBob.text());
            assertEquals("aliceTls", atBob.from());
            assertEquals(ack.seq(), atBob.seq());
            bob.say("tls-room", "back in plain", "p1");
            assertEquals("back in plain", alice.nextMatching(ServerFrame.Message.class, m -> m.id().equals("p1")).text());
        }
        assertTrue(LocalHttp.get(gateway.adminPort(), "/health").body().contains("\"tls_port\":" + gateway.tlsPort()));
    }

    @Test
    void aClientThatTrustsAnotherAuthorityRefusesTheGateway() {
        double failedBefore = gateway.metrics().connectionsClosed(CloseReason.TLS_FAILED);
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
            () -> ChatTestClient.connectTls(gateway.tlsPort(), TestTls.create().clientContext()));
        assertInstanceOf(SSLHandshakeException.class, refused.getCause());
        Poll.until("the gateway counts the failed handshake", ChatTestClient.TIMEOUT, Duration.ofMillis(20),
            () -> gateway.metrics().connectionsClosed(CloseReason.TLS_FAILED), n -> n > failedBefore);
    }

    @Test
    void plainTextOnTheTlsPortIsClosedAndTheGatewayServesOthersAfterwards() throws Exception {
        double failedBefore = gateway.metrics().connectionsClosed(CloseReason.TLS_FAILED);
        try (Socket plain = rawSocket(gateway.tlsPort())) {
            plain.getOutputStream().write((FrameCodec.encode(new ClientFrame.Hello("sneaky", 1, null, null)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
            assertClosedByGateway(plain);
        }
        Poll.until("the gateway counts the failed handshake", ChatTestClient.TIMEOUT, Duration.ofMillis(20),
            () -> gateway.metrics().connectionsClosed(CloseReason.TLS_FAILED), n -> n > failedBefore);

        try (ChatTestClient tls = ChatTestClient.connectTls(gateway.tlsPort(), TLS.clientContext());
             ChatTestClient plain = ChatTestClient.login(gateway.port(), "plainAfter")) {
            tls.send(new ClientFrame.Hello("tlsAfter", 1, null, null));
            tls.next(ServerFrame.Welcome.class);
            plain.send(new ClientFrame.Ping("still here"));
            assertEquals("still here", plain.next(ServerFrame.Pong.class).ref());
        }
    }

    @Test
    void aSilentTlsConnectionIsCutByTheFirstLineTimeoutAndHoldsUpNoOne() throws Exception {
        double tooSlowBefore = gateway.metrics().connectionsClosed(CloseReason.TOO_SLOW);
        try (Socket silent = rawSocket(gateway.tlsPort())) {
            // Accepted while the silent one waits: its handshake is not on the acceptor's thread.
            try (ChatTestClient other = ChatTestClient.connectTls(gateway.tlsPort(), TLS.clientContext())) {
                other.send(new ClientFrame.Hello("notHeldUp", 1, null, null));
                other.next(ServerFrame.Welcome.class);
            }
            assertClosedByGateway(silent);
        }
        Poll.until("the gateway counts the silent connection as too slow", ChatTestClient.TIMEOUT, Duration.ofMillis(20),
            () -> gateway.metrics().connectionsClosed(CloseReason.TOO_SLOW), n -> n > tooSlowBefore);
    }

    @Test
    void aHandshakeTrickledAByteAtATimeIsCutAtTheFirstLineDeadline() throws Exception {
        // A TLS record header announcing 512 bytes of handshake: the gateway waits for the whole record.
        byte[] start = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
        try (Socket trickler = rawSocket(gateway.tlsPort());
             Paced trickle = Paced.every(Duration.ofMillis(100), run -> {
                 try {
                     trickler.getOutputStream().write(start[Math.min(run, start.length - 1)]);
                     return run < 300;
                 } catch (IOException e) {
                     return false;
                 }
             })) {
            long opened = System.nanoTime();
            assertClosedByGateway(trickler);
            Duration open = Duration.ofNanos(System.nanoTime() - opened);
            assertTrue(open.compareTo(Duration.ofSeconds(5)) < 0,
                "cut at the 2 s first-line deadline, not stretched by each byte: open for " + open);
        }
    }

    private static Socket rawSocket(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) ChatTestClient.TIMEOUT.toMillis());
        return socket;
    }

    /** Reads until the gateway closes: the end of the stream, or a reset. Never a line of the protocol. */
    private static void assertClosedByGateway(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                String got = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                assertTrue(!got.contains("\"type\""), "no frame of the protocol in clear: " + got);
            }
        } catch (java.net.SocketException e) {
            // Reset by the gateway: closed all the same.
        }
    }
}
