package chat.client.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminalListener;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client as a person uses it, through keys into Lanterna's virtual terminal, with no gateway reachable: what the
 * keys do does not wait for the network.
 */
class ChatAppTest {
    private final DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
    private final List<List<String>> remembered = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    /** One permit per flush of the terminal: each paint of the screen ends with one. */
    private final Semaphore flushes = new Semaphore(0);
    private Failover.Gateway nowhere;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket closed = new ServerSocket(0)) {
            nowhere = new Failover.Gateway("127.0.0.1", closed.getLocalPort());
        }
        terminal.addVirtualTerminalListener(new VirtualTerminalListener() {
            @Override
            public void onFlush() {
                flushes.release();
            }

            @Override
            public void onBell() {}

            @Override
            public void onClose() {}

            @Override
            public void onResized(Terminal resized, TerminalSize size) {}
        });
        TerminalScreen screen = new TerminalScreen(terminal);
        screen.startScreen();
        ChatApp app = new ChatApp(screen, Clock.systemUTC(), "alice", nowhere, remembered::add);
        ChatSession session = new ChatSession("alice", List.of(nowhere), Clock.systemUTC(), new SplittableRandom(7),
            app.listener());
        Thread.ofVirtual().start(() -> {
            try {
                ended.complete(app.run(session, List.of("lobby")));
            } catch (Exception e) {
                ended.completeExceptionally(e);
            }
        });
    }

    @AfterEach
    void quit() throws Exception {
        if (!ended.isDone()) {
            type("/quit\n");
            ended.get(10, TimeUnit.SECONDS);
        }
    }

    private void type(String keys) {
        for (char c : keys.toCharArray()) {
            terminal.addInput(c == '\n' ? new KeyStroke(KeyType.Enter) : new KeyStroke(c, false, false));
        }
    }

    private String screen() {
        return IntStream.range(0, 24).mapToObj(r -> IntStream.range(0, 80)
                .mapToObj(c -> terminal.getCharacter(c, r).getCharacterString()).collect(Collectors.joining()))
            .collect(Collectors.joining("\n"));
    }

    private String row(int row) {
        return screen().split("\n")[row];
    }

    /** Waits, paint by paint, until the screen shows what is expected; fails with the screen as it is after 10 s. */
    private void awaitScreen(String what, Predicate<String> shown) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!shown.test(screen())) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !flushes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                throw new AssertionError("the screen never showed " + what + ":\n" + screen());
            }
        }
    }

    @Test
    void whatIsSaidWithNoGatewayShowsAtOnceMarkedQueued() throws Exception {
        awaitScreen("the lobby", s -> s.contains("1 #lobby"));
        type("hello there\n");
        awaitScreen("the queued message", s -> s.contains("queue") && s.contains("alice hello there"));
        awaitScreen("the connection's trouble", s -> s.split("\n")[0].contains("cannot reach " + nowhere));
        assertFalse(screen().contains("..."), "not sent, so not waiting for an ack:\n" + screen());
        awaitScreen("what the queue waits for", s -> s.split("\n")[22].contains("1 message waits for a gateway"));
    }

    @Test
    void roomsAreJoinedSwitchedAndRemembered() throws Exception {
        type("/join #Ops\n");
        awaitScreen("the new room, current", s -> s.contains("2 #ops") && s.split("\n")[0].contains("│ #ops │"));
        assertEquals(List.of("lobby", "ops"), remembered.getLast());

        terminal.addInput(new KeyStroke('1', false, true));
        awaitScreen("the lobby after Alt+1", s -> s.split("\n")[0].contains("│ #lobby │"));
        terminal.addInput(new KeyStroke('n', true, false));
        awaitScreen("ops after Ctrl+N", s -> s.split("\n")[0].contains("│ #ops │"));

        type("/part\n");
        awaitScreen("ops gone", s -> !s.contains("#ops"));
        assertEquals(List.of("lobby"), remembered.getLast());
    }

    @Test
    void tabCompletesCommandsAndHelpIsShownInTheRoom() throws Exception {
        type("/he");
        terminal.addInput(new KeyStroke(KeyType.Tab));
        awaitScreen("the completed command", s -> s.split("\n")[23].startsWith("#lobby> /help "));
        type("\n");
        awaitScreen("the help", s -> s.contains("/join ROOM") && s.contains("Ctrl+R"));
    }

    @Test
    void theNewsLineClearsWhenTheUserMovesToAnotherRoom() throws Exception {
        type("/join ops\n");
        awaitScreen("ops", s -> s.split("\n")[0].contains("│ #ops │"));
        type("/frobnicate\n");
        awaitScreen("the explanation", s -> s.split("\n")[22].contains("unknown command /frobnicate"));
        terminal.addInput(new KeyStroke('p', true, false));
        awaitScreen("the lobby, and the news gone",
            s -> s.split("\n")[0].contains("│ #lobby │") && !s.contains("unknown command"));

        type("/frobnicate\n");
        awaitScreen("the explanation again", s -> s.contains("unknown command /frobnicate"));
        terminal.addInput(new KeyStroke('2', false, true));
        awaitScreen("ops, and the news gone",
            s -> s.split("\n")[0].contains("│ #ops │") && !s.contains("unknown command"));
    }

    @Test
    void aBadCommandIsExplainedAndQuitEndsTheClient() throws Exception {
        type("/frobnicate\n");
        awaitScreen("the explanation", s -> s.contains("unknown command /frobnicate"));
        type("/quit\n");
        assertNull(ended.get(10, TimeUnit.SECONDS), "a quit is no refusal");
        assertEquals("#lobby>", row(23).strip().substring(0, 7));
    }
}
