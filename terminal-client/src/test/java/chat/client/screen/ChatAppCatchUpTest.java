package chat.client.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.client.session.SteppedClock;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A screen thread that fell so far behind that the session's updates no longer fit its queue: what was dropped comes
 * back from the session's snapshot, so the room list, members, connection and account stay in step.
 */
class ChatAppCatchUpTest {
    private static final Failover.Gateway GATEWAY = new Failover.Gateway("127.0.0.1", 1);

    @Test
    void aViewThatMissedUpdatesIsBroughtBackInStepFromTheSessionsSnapshot() throws IOException {
        ChatApp app = new ChatApp(new TerminalScreen(new DefaultVirtualTerminal(new TerminalSize(80, 24))),
            new SteppedClock(), "alice", GATEWAY, memory -> { });
        ChatView view = app.view();
        view.open("lobby");
        view.open("@dave");

        Failover.State connected = new Failover.State.Connected(GATEWAY);
        app.catchUp(new ChatSession.Shown(connected, true, List.of("lobby", "ops", "@bob"), Map.of(),
            Map.of("lobby", List.of("alice", "bob"), "ops", List.of("alice", "carol"))));

        assertEquals(List.of("lobby", "@dave", "ops", "@bob"), view.streams(),
            "what the session opened is added; what the user opened a moment ago stays");
        assertEquals(List.of("alice", "carol"), view.members("ops"));
        assertEquals(List.of("alice", "bob"), view.members("lobby"));
        assertEquals(connected, view.connection());
        assertTrue(view.account());
    }

    @Test
    void whatTheSessionHasNotSaidYetIsLeftAsItIs() throws IOException {
        ChatApp app = new ChatApp(new TerminalScreen(new DefaultVirtualTerminal(new TerminalSize(80, 24))),
            new SteppedClock(), "alice", GATEWAY, memory -> { });
        ChatView view = app.view();
        Failover.State before = view.connection();
        app.catchUp(new ChatSession.Shown(null, null, List.of(), Map.of(), Map.of()));
        assertEquals(before, view.connection());
        assertEquals(null, view.account());
    }
}
