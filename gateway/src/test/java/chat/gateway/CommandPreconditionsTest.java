package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What a frame needs before its handler runs, decided with no connection or socket: hello first, then membership. */
class CommandPreconditionsTest {
    private static final Predicate<String> IN_OPS = Set.of("ops")::contains;

    @Test
    void beforeItsHelloAConnectionMayOnlyPingOrQuit() {
        for (ClientFrame frame : List.of(new ClientFrame.Join("ops", null, "r"), new ClientFrame.Say("ops", "hi", "1", false, "r"),
            new ClientFrame.Dm("bob", "hi", "1", false, "r"), new ClientFrame.History("ops", null, null, 10, "r"),
            new ClientFrame.Who("ops", null, 10, "r"), new ClientFrame.Rooms("r"), new ClientFrame.Received("bob", 3, "r"),
            new ClientFrame.Register("a long password", "r"))) {
            ServerFrame.Error refused = Commands.refusal(frame, false, IN_OPS);
            assertEquals(ErrorCode.HELLO_FIRST, refused == null ? null : refused.code(), frame.toString());
            assertEquals("r", refused.ref(), "the refusal names the frame it refuses");
        }
        assertNull(Commands.refusal(new ClientFrame.Ping("r"), false, IN_OPS));
        assertNull(Commands.refusal(new ClientFrame.Quit("r"), false, IN_OPS));
        assertNull(Commands.refusal(new ClientFrame.Hello("alice", Limits.PROTOCOL_VERSION, null, null, null, "r"), false,
            IN_OPS));
    }

    @Test
    void aSecondHelloIsRefused() {
        ServerFrame.Error refused = Commands.refusal(
            new ClientFrame.Hello("mallory", Limits.PROTOCOL_VERSION, null, null, null, "r"), true, IN_OPS);
        assertEquals(ErrorCode.HELLO_FIRST, refused.code());
    }

    @Test
    void sayingOrLeavingTakesMembershipOfTheRoomButJoiningAndAskingDoNot() {
        assertEquals(ErrorCode.NOT_MEMBER,
            Commands.refusal(new ClientFrame.Say("secret", "hi", "1", false, "r"), true, IN_OPS).code());
        assertEquals(ErrorCode.NOT_MEMBER, Commands.refusal(new ClientFrame.Part("secret", "r"), true, IN_OPS).code());
        assertNull(Commands.refusal(new ClientFrame.Say("ops", "hi", "1", false, "r"), true, IN_OPS));
        assertNull(Commands.refusal(new ClientFrame.Part("ops", "r"), true, IN_OPS));
        assertNull(Commands.refusal(new ClientFrame.Join("secret", null, "r"), true, IN_OPS));
        assertNull(Commands.refusal(new ClientFrame.Dm("bob", "hi", "1", false, "r"), true, IN_OPS));
    }
}
