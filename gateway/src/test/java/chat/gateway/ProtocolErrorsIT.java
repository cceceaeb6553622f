package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every error code is produced by the input that should produce it, and the connection survives it. */
class ProtocolErrorsIT {
    private static Gateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = TestGateway.of("errors", TestGateway.freshTopic()).start(Gateway::start);
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "this is not json                                               | bad_frame   |",
        "{\"nick\":\"x\",\"ref\":\"r1\"}                                | bad_frame   | r1",
        "{\"type\":\"teleport\",\"ref\":\"r2\"}                         | unknown_type| r2",
        "{\"type\":\"hello\",\"nick\":\"9lives\",\"version\":1,\"ref\":\"r3\"} | bad_nick | r3",
        "{\"type\":\"join\",\"room\":\"No Spaces\",\"ref\":\"r4\"}      | bad_room    | r4",
        "{\"type\":\"say\",\"room\":\"errs\",\"text\":\"bell\\u0007\",\"id\":\"x\",\"ref\":\"r5\"} | bad_text | r5",
        "{\"type\":\"say\",\"room\":\"errs\",\"text\":\"\",\"id\":\"x\",\"ref\":\"r6\"} | bad_text | r6",
        "{\"type\":\"say\",\"room\":\"elsewhere\",\"text\":\"hi\",\"id\":\"x\",\"ref\":\"r7\"} | not_member | r7",
        "{\"type\":\"part\",\"room\":\"elsewhere\",\"ref\":\"r8\"}      | not_member  | r8",
        "{\"type\":\"hello\",\"nick\":\"again\",\"version\":1,\"ref\":\"r9\"} | hello_first | r9",
    })
    void aBadFrameGetsItsErrorAndTheConnectionGoesOn(String line, String code, String ref) {
        try (ChatTestClient client = ChatTestClient.login(gateway.port(), "errs" + Math.abs(line.hashCode() % 100_000))) {
            client.join("errs");
            client.sendRaw(line + "\n");
            ServerFrame.Error error = client.next(ServerFrame.Error.class);
            assertEquals(code, error.code().wireName(), error.message());
            assertEquals(ref, error.ref());
            assertConnectionStillWorks(client);
        }
    }

    @Test
    void anythingButHelloBeforeHelloIsRefused() {
        try (ChatTestClient client = ChatTestClient.connect(gateway.port())) {
            client.send(new ClientFrame.Join("lobby", null, "j"));
            ServerFrame.Error error = client.next(ServerFrame.Error.class);
            assertEquals(ErrorCode.HELLO_FIRST, error.code());
            assertEquals("j", error.ref());
            client.send(new ClientFrame.Hello("patient", 1, null, "h"));
            assertEquals("h", client.next(ServerFrame.Welcome.class).ref());
        }
    }

    @Test
    void aTakenNickIsRefusedAndTheConnectionMayTryAnother() {
        try (ChatTestClient holder = ChatTestClient.login(gateway.port(), "Holder");
             ChatTestClient other = ChatTestClient.connect(gateway.port())) {
            other.send(new ClientFrame.Hello("HOLDER", 1, null, "h1"));
            assertEquals(ErrorCode.NICK_TAKEN, other.next(ServerFrame.Error.class).code());
            other.send(new ClientFrame.Hello("holder2", 1, null, "h2"));
            assertEquals("holder2", other.next(ServerFrame.Welcome.class).nick());
            assertConnectionStillWorks(holder);
        }
    }

    @Test
    void invalidUtf8IsABadFrame() {
        try (ChatTestClient client = ChatTestClient.login(gateway.port(), "bytes")) {
            client.sendBytes(new byte[] {'{', (byte) 0xff, '}', '\n'});
            assertEquals(ErrorCode.BAD_FRAME, client.next(ServerFrame.Error.class).code());
            assertConnectionStillWorks(client);
        }
    }

    @Test
    void aLineOverTheLimitGetsFrameTooLargeAndTheConnectionIsClosed() {
        try (ChatTestClient client = ChatTestClient.login(gateway.port(), "bigmouth")) {
            client.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(Limits.MAX_LINE_BYTES) + "\"}\n");
            List<ServerFrame> last = client.awaitClosed();
            ServerFrame.Error error = (ServerFrame.Error) last.getLast();
            assertEquals(ErrorCode.FRAME_TOO_LARGE, error.code());
        }
    }

    @Test
    void aLineJustUnderTheLimitIsAccepted() {
        try (ChatTestClient client = ChatTestClient.login(gateway.port(), "longwinded")) {
            String prefix = "{\"type\":\"ping\",\"ref\":\"big\",\"pad\":\"";
            String line = prefix + "x".repeat(Limits.MAX_LINE_BYTES - prefix.length() - 2) + "\"}";
            assertEquals(Limits.MAX_LINE_BYTES, line.length());
            client.sendRaw(line + "\n");
            assertEquals("big", client.next(ServerFrame.Pong.class).ref());
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingItsRef() {
        try (ChatTestClient client = ChatTestClient.connect(gateway.port())) {
            client.send(new ClientFrame.Ping("p-1"));
            assertEquals(new ServerFrame.Pong("p-1"), client.next(ServerFrame.Pong.class));
            client.send(new ClientFrame.Quit("bye-ref"));
            List<ServerFrame> last = client.awaitClosed();
            assertEquals(new ServerFrame.Bye("quit", "bye-ref"), last.getLast());
            assertTrue(client.isClosedByGateway());
        }
    }

    private static void assertConnectionStillWorks(ChatTestClient client) {
        client.send(new ClientFrame.Ping("still-there"));
        assertEquals("still-there", client.nextMatching(ServerFrame.Pong.class, p -> true).ref());
    }
}
