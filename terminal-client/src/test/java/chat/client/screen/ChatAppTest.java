package chat.client.screen;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ClientMain;
import chat.client.config.ClientConfig;
import chat.client.config.RememberedState;
import chat.client.config.StateStore;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.client.session.ScriptedGateway;
import chat.client.session.SteppedClock;
import chat.client.text.TerminalText;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminalListener;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.FileVisitResult;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client as a person uses it, through keys into Lanterna's virtual terminal, with no gateway reachable: what the
 * keys do does not wait for the network.
 */
class ChatAppTest {
    private static final ChatApp.Memory LOBBY = new ChatApp.Memory(List.of("lobby"), List.of(), null);
    private static final KeyStroke ALT_ENTER = new KeyStroke('j', true, true);

    private final List<ChatApp.Memory> remembered = new CopyOnWriteArrayList<>();
    private final List<Running> started = new ArrayList<>();
    private Failover.Gateway nowhere;
    /** The gateway the client talks to: nowhere, unless a test plays one. */
    private Failover.Gateway gateway;

    /** How a test runs the client on a started screen: it returns why the session was refused, or null. */
    private interface Client {
        String run(TerminalScreen screen) throws Exception;
    }

    /** One run of the client, on a terminal of its own. */
    private final class Running {
        final DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        final CompletableFuture<String> ended = new CompletableFuture<>();
        /** One permit per flush of the terminal: each paint of the screen ends with one. */
        final Semaphore flushes = new Semaphore(0);
        /** The screen as each flush left it, every one of them. */
        final List<String> painted = new CopyOnWriteArrayList<>();

        /** Starts the client with {@code start} open, the keys given here typed before it reads any. */
        Running(ChatApp.Memory start, Clock clock, KeyStroke... typedAhead) throws Exception {
            this(screen -> {
                ChatApp app = new ChatApp(screen, clock, "alice", gateway, remembered::add);
                ChatSession session = new ChatSession("alice", List.of(gateway), Clock.systemUTC(),
                    new SplittableRandom(7), app.listener());
                return app.run(session, start);
            }, typedAhead);
        }

        Running(Client client, KeyStroke... typedAhead) throws Exception {
            terminal.addVirtualTerminalListener(new VirtualTerminalListener() {
                @Override
                public void onFlush() {
                    painted.add(screen());
                    flushes.release();
                }

                @Override
                public void onBell() {}

                @Override
                public void onClose() {}

                @Override
                public void onResized(Terminal resized, TerminalSize size) {}
            });
            for (KeyStroke key : typedAhead) {
                terminal.addInput(key);
            }
            TerminalScreen screen = new TerminalScreen(terminal);
            screen.startScreen();
            Thread.ofVirtual().start(() -> {
                try {
                    ended.complete(client.run(screen));
                } catch (Exception e) {
                    ended.completeExceptionally(e);
                }
            });
        }

        void type(String keys) {
            for (char c : keys.toCharArray()) {
                terminal.addInput(c == '\n' ? new KeyStroke(KeyType.Enter) : new KeyStroke(c, false, false));
            }
        }

        void press(KeyStroke... keys) {
            for (KeyStroke key : keys) {
                terminal.addInput(key);
            }
        }

        String screen() {
            return IntStream.range(0, 24).mapToObj(r -> IntStream.range(0, 80)
                    .mapToObj(c -> terminal.getCharacter(c, r).getCharacterString()).collect(Collectors.joining()))
                .collect(Collectors.joining("\n"));
        }

        String row(int row) {
            return screen().split("\n")[row];
        }

        /** Waits, paint by paint, until the screen shows what is expected; fails with the screen as it is after 10 s. */
        void awaitScreen(String what, Predicate<String> shown) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!shown.test(screen())) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !flushes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    throw new AssertionError("the screen never showed " + what + ":\n" + screen());
                }
            }
        }

        String quit() throws Exception {
            if (!ended.isDone()) {
                type("/quit\n");
            }
            return ended.get(10, TimeUnit.SECONDS);
        }
    }

    private Running start(ChatApp.Memory memory, KeyStroke... typedAhead) throws Exception {
        return start(memory, Clock.systemUTC(), typedAhead);
    }

    private Running start(ChatApp.Memory memory, Clock clock, KeyStroke... typedAhead) throws Exception {
        Running running = new Running(memory, clock, typedAhead);
        started.add(running);
        return running;
    }

    private static List<KeyStroke> keys(String text) {
        return text.chars().mapToObj(c -> c == '\n' ? new KeyStroke(KeyType.Enter) : new KeyStroke((char) c, false, false))
            .toList();
    }

    private static final String SECRET = "Tr0ub4dor&3-horse";

    /** Fails when any screen painted so far showed the secret, or any four characters of it in a row. */
    private static void assertNeverShown(Running client, String secret) {
        for (String screen : client.painted) {
            for (int i = 0; i + 4 <= secret.length(); i++) {
                assertFalse(screen.contains(secret.substring(i, i + 4)),
                    "the screen showed '" + secret.substring(i, i + 4) + "' of the secret:\n" + screen);
            }
        }
    }

    private static ServerFrame.Welcome welcome(String session, boolean account) {
        return new ServerFrame.Welcome("alice", session, "gw1", account, null);
    }

    @BeforeEach
    void findAPortNobodyListensOn() throws Exception {
        try (ServerSocket closed = new ServerSocket(0)) {
            nowhere = new Failover.Gateway("127.0.0.1", closed.getLocalPort());
        }
        gateway = nowhere;
    }

    @AfterEach
    void quitAll() throws Exception {
        for (Running running : started) {
            running.quit();
        }
    }

    @Test
    void whatIsSaidWithNoGatewayShowsAtOnceMarkedQueued() throws Exception {
        Running client = start(LOBBY);
        client.awaitScreen("the lobby", s -> s.contains("1 #lobby"));
        client.type("hello there\n");
        client.awaitScreen("the queued message", s -> s.contains("queue") && s.contains("alice hello there"));
        client.awaitScreen("the connection's trouble", s -> s.split("\n")[0].contains("cannot reach " + nowhere));
        assertFalse(client.screen().contains("..."), "not sent, so not waiting for an ack:\n" + client.screen());
        client.awaitScreen("what the queue waits for", s -> s.split("\n")[22].contains("1 message waits for a gateway"));
    }

    @Test
    void roomsAreJoinedSwitchedAndRemembered() throws Exception {
        Running client = start(LOBBY);
        client.type("/join #Ops\n");
        client.awaitScreen("the new room, current", s -> s.contains("2 #ops") && s.split("\n")[0].contains("│ #ops │"));
        client.awaitScreen("the rooms remembered", s -> remembered.getLast().rooms().equals(List.of("lobby", "ops")));

        client.press(new KeyStroke('1', false, true));
        client.awaitScreen("the lobby after Alt+1", s -> s.split("\n")[0].contains("│ #lobby │"));
        client.press(new KeyStroke('n', true, false));
        client.awaitScreen("ops after Ctrl+N", s -> s.split("\n")[0].contains("│ #ops │"));

        client.type("/part\n");
        client.awaitScreen("ops gone", s -> !s.contains("#ops"));
        client.awaitScreen("the rooms remembered", s -> remembered.getLast().rooms().equals(List.of("lobby")));
    }

    @Test
    void aDirectConversationIsRememberedAndOpensAgainAtTheNextStart() throws Exception {
        Running first = start(LOBBY);
        first.awaitScreen("the lobby", s -> s.contains("1 #lobby"));
        assertEquals(LOBBY, remembered.getLast(), "remembered from the start, so that this nick is the last used");
        first.type("/msg Bob are you there?\n");
        first.awaitScreen("the conversation", s -> s.contains("2 @bob"));
        first.awaitScreen("the conversation remembered",
            s -> remembered.getLast().equals(new ChatApp.Memory(List.of("lobby"), List.of("bob"), null)));
        assertNull(first.quit());

        Running again = start(remembered.getLast());
        again.awaitScreen("the room and the conversation", s -> s.contains("1 #lobby") && s.contains("2 @bob"));
    }

    @Test
    void tabCompletesCommandsAndHelpIsShownInTheRoom() throws Exception {
        Running client = start(LOBBY);
        client.type("/he");
        client.press(new KeyStroke(KeyType.Tab));
        client.awaitScreen("the completed command", s -> s.split("\n")[23].startsWith("#lobby> /help "));
        client.type("\n");
        client.awaitScreen("the help", s -> s.contains("/join ROOM") && s.contains("Ctrl+R"));
    }

    @Test
    void aBadCommandIsExplainedAndQuitEndsTheClient() throws Exception {
        Running client = start(LOBBY);
        client.type("/frobnicate\n");
        client.awaitScreen("the explanation", s -> s.contains("unknown command /frobnicate"));
        assertNull(client.quit(), "a quit is no refusal");
        assertEquals("#lobby>", client.row(23).strip().substring(0, 7));
    }

    @Test
    void theNewsLineClearsWhenTheUserMovesToAnotherRoom() throws Exception {
        Running client = start(new ChatApp.Memory(List.of("lobby", "ops"), List.of(), null));
        client.type("/frobnicate\n");
        client.awaitScreen("the explanation", s -> s.split("\n")[22].contains("unknown command /frobnicate"));
        client.press(new KeyStroke('n', true, false));
        client.awaitScreen("ops, and the news gone",
            s -> s.split("\n")[0].contains("│ #ops │") && !s.contains("unknown command"));

        client.type("/frobnicate\n");
        client.awaitScreen("the explanation again", s -> s.contains("unknown command /frobnicate"));
        client.press(new KeyStroke('1', false, true));
        client.awaitScreen("the lobby, and the news gone",
            s -> s.split("\n")[0].contains("│ #lobby │") && !s.contains("unknown command"));
    }

    @Test
    void altEnterStartsANewLineAndEnterSendsTheMessageWithItsLines() throws Exception {
        Running client = start(LOBBY);
        client.type("first line");
        client.press(ALT_ENTER);
        client.type("second line");
        client.awaitScreen("both lines in the input",
            s -> s.split("\n")[23].startsWith("#lobby> first line" + TerminalText.NEWLINE_MARK + "second line"));
        assertFalse(client.screen().contains("alice first line"), "nothing sent yet");

        client.type("\n");
        client.awaitScreen("the message on two rows", s -> {
            String[] rows = s.split("\n");
            for (int r = 1; r < 21; r++) {
                if (rows[r].contains("alice first line")) {
                    int column = rows[r].indexOf("first line");
                    return rows[r + 1].indexOf("second line") == column;
                }
            }
            return false;
        });
        assertEquals("#lobby>", client.row(23).strip(), "the input is empty again");
    }

    @Test
    void aBracketedPasteKeepsItsLinesAndDoesNotSendOrActOnThem() throws Exception {
        Running client = start(LOBBY);
        client.awaitScreen("the lobby", s -> s.contains("1 #lobby"));
        client.press(BracketedPaste.START);
        client.type("line one\n/quit\n");
        client.press(new KeyStroke('c', true, false), new KeyStroke(KeyType.Tab));
        client.type("end");
        client.press(BracketedPaste.END);
        client.awaitScreen("the pasted text in the input", s -> s.split("\n")[23].startsWith("#lobby> line one"
            + TerminalText.NEWLINE_MARK + "/quit" + TerminalText.NEWLINE_MARK + " end"));
        assertFalse(client.ended.isDone(), "neither the pasted /quit nor the pasted Ctrl+C quit");

        client.type("\n");
        client.awaitScreen("the message sent, on three rows",
            s -> s.contains("alice line one") && s.contains("/quit") && s.split("\n")[23].strip().equals("#lobby>"));
    }

    @Test
    void aPasteWhoseEndMarkWasLostEndsAtTheFirstKeyASecondLater() throws Exception {
        SteppedClock clock = new SteppedClock();
        Running client = start(LOBBY, clock);
        client.press(BracketedPaste.START);
        client.type("pasted\n");
        client.awaitScreen("the pasted text in the input",
            s -> s.split("\n")[23].startsWith("#lobby> pasted" + TerminalText.NEWLINE_MARK));
        clock.step(Duration.ofMillis(1_001));
        client.press(new KeyStroke(KeyType.Backspace));
        client.type("\n");
        client.awaitScreen("the message sent by Enter", s -> s.contains("alice pasted")
            && s.split("\n")[23].strip().equals("#lobby>"));
    }

    @Test
    void linesThatArriveInOneBurstArePastedTextAndAreNotSentOneByOne() throws Exception {
        List<KeyStroke> burst = keys("hello\nworld");
        Running client = start(LOBBY, burst.toArray(KeyStroke[]::new));
        client.awaitScreen("both lines in the input",
            s -> s.split("\n")[23].startsWith("#lobby> hello" + TerminalText.NEWLINE_MARK + "world"));
        assertFalse(client.screen().contains("alice hello"), "nothing sent:\n" + client.screen());

        client.type("\n");
        client.awaitScreen("one message of two lines", s -> s.contains("alice hello") && s.contains("world")
            && s.split("\n")[23].strip().equals("#lobby>"));
    }

    @Test
    void aRegisteredNickIsAskedItsPasswordWhichNoScreenEverShows() throws Exception {
        try (ScriptedGateway played = new ScriptedGateway()) {
            gateway = played.address();
            Running client = start(LOBBY);
            played.expect(ClientFrame.Hello.class);
            played.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null));
            client.awaitScreen("the prompt and why", s -> s.split("\n")[23].startsWith("password for alice (not shown)>")
                && s.contains("alice is registered to an account"));

            client.type(SECRET.substring(0, 6));
            client.press(new KeyStroke(KeyType.Backspace), new KeyStroke(KeyType.Escape));
            client.awaitScreen("a paint with half the password typed", s -> s.contains("the chat waits for the password"));
            client.type(SECRET.substring(5) + "\n");
            assertEquals(SECRET, played.expect(ClientFrame.Hello.class).password(), "every key reached the secret");
            played.send(welcome("s1", true));
            client.awaitScreen("the account's mark", s -> s.startsWith(" alice ✓ │ #lobby │ connected"));
            client.press(new KeyStroke(KeyType.ArrowUp));
            client.type("x");
            client.awaitScreen("the input again", s -> s.split("\n")[23].startsWith("#lobby> x"));
            client.press(new KeyStroke(KeyType.Backspace));
            assertNeverShown(client, SECRET);
        }
    }

    @Test
    void theStateFilesKeepTheSessionTokenButNeverThePassword(@TempDir Path configDir) throws Exception {
        try (ScriptedGateway played = new ScriptedGateway()) {
            ClientConfig config = new ClientConfig("alice", List.of(played.address()), configDir, List.of("lobby"),
                false, null, new ClientConfig.SignIn(true, false, null));
            ClientConfig.Startup startup = new ClientConfig.Startup(config, RememberedState.EMPTY, null);
            Running client = new Running(screen -> ClientMain.run(screen, startup, Clock.systemUTC(),
                new SplittableRandom(5)));
            started.add(client);
            client.awaitScreen("the prompt, at once", s -> s.split("\n")[23].startsWith("password for alice"));
            client.type(SECRET + "\n");
            assertEquals(SECRET, played.expect(ClientFrame.Hello.class).password());
            played.send(welcome("token-of-the-sign-in", true));
            awaitFileHolding(configDir, "token-of-the-sign-in");

            played.drop();
            assertEquals("token-of-the-sign-in", played.expect(ClientFrame.Hello.class).session());
            played.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null));
            assertEquals(SECRET, played.expect(ClientFrame.Hello.class).password(), "signed in again, from memory");
            played.send(welcome("token-after-failover", true));
            awaitFileHolding(configDir, "token-after-failover");

            List<Path> files = new ArrayList<>();
            Files.walkFileTree(configDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    files.add(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A temporary file moved into place meanwhile: it is read under its own name.
                    return FileVisitResult.CONTINUE;
                }
            });
            for (Path file : files) {
                try {
                    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(SECRET), file + " holds the password");
                } catch (NoSuchFileException e) {
                    // A file written whole and moved into place meanwhile: read under its own name.
                }
            }
            assertNeverShown(client, SECRET);
        }
    }

    /** Waits, save by save, until a file in the directory holds the text; fails after 10 s. */
    private static void awaitFileHolding(Path dir, String text) throws Exception {
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            Files.createDirectories(dir.resolve(StateStore.NICKS_DIR));
            dir.resolve(StateStore.NICKS_DIR).register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Path file = dir.resolve(StateStore.NICKS_DIR).resolve("alice.json");
            while (!Files.exists(file) || !Files.readString(file).contains(text)) {
                WatchKey key = watcher.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (key == null) {
                    throw new AssertionError("no state file came to hold " + text);
                }
                key.pollEvents();
                key.reset();
            }
        }
    }

    @Test
    void registerAsksTwiceUnseenAndSendsNothingTooShortOrMismatched() throws Exception {
        Running client = start(LOBBY);
        client.type("/register\n");
        client.awaitScreen("the first prompt", s -> s.split("\n")[23].startsWith("new password for alice (not shown"));
        client.type("short\n");
        client.awaitScreen("the length rule", s -> s.contains("that password cannot be registered (a password has 8 to")
            && s.split("\n")[23].startsWith("#lobby>"));

        client.type("/register\n");
        client.awaitScreen("the first prompt again", s -> s.split("\n")[23].startsWith("new password for alice"));
        client.type(SECRET + "\n");
        client.awaitScreen("the second prompt", s -> s.split("\n")[23].startsWith("the same password again"));
        client.type(SECRET + "!\n");
        client.awaitScreen("the mismatch", s -> s.contains("the two passwords differ: nothing was registered")
            && s.split("\n")[23].startsWith("#lobby>"));

        client.type("/register\n");
        client.awaitScreen("the first prompt once more", s -> s.split("\n")[23].startsWith("new password for"));
        client.press(new KeyStroke(KeyType.Escape));
        client.awaitScreen("the prompt cancelled", s -> s.contains("not registered")
            && s.split("\n")[23].startsWith("#lobby>"));
        assertNeverShown(client, SECRET);
        assertFalse(client.painted.stream().anyMatch(screen -> screen.contains("short")), "nothing typed was shown");
    }

    @Test
    void aPasswordTypedAfterRegisterIsNeitherShownNorRecalled() throws Exception {
        Running client = start(LOBBY);
        client.type("/register " + SECRET + "\n");
        client.awaitScreen("the refusal", s -> s.contains("type /register alone"));
        client.type("/rooms\n");
        client.press(new KeyStroke(KeyType.ArrowUp), new KeyStroke(KeyType.ArrowUp));
        client.awaitScreen("the oldest line kept recalled", s -> s.split("\n")[23].startsWith("#lobby> /rooms"));
        client.type("\n");
        client.awaitScreen("the input empty again", s -> s.split("\n")[23].strip().equals("#lobby>"));
        assertNeverShown(client, SECRET);
    }

    @Test
    void registeringOnAGatewayMakesTheGuestAnAccount() throws Exception {
        try (ScriptedGateway played = new ScriptedGateway()) {
            gateway = played.address();
            Running client = start(LOBBY);
            played.expect(ClientFrame.Hello.class);
            played.send(welcome("s1", false));
            client.awaitScreen("the guest's mark", s -> s.startsWith(" alice (guest) │ #lobby │ connected"));

            client.type("/register\n");
            client.awaitScreen("the prompt", s -> s.split("\n")[23].startsWith("new password for alice"));
            client.type(SECRET + "\n" + SECRET + "\n");
            ClientFrame.Register register = played.expect(ClientFrame.Register.class);
            assertEquals(SECRET, register.password());
            played.send(new ServerFrame.Registered("alice", register.ref()));
            client.awaitScreen("the news and the mark", s -> s.startsWith(" alice ✓ │")
                && s.contains("alice is registered to your account; sign in with this password from now on"));
            assertNeverShown(client, SECRET);
        }
    }

    @Test
    void messagesThatWaitedAreUnreadInTheirConversationsAndCountedOnce() throws Exception {
        try (ScriptedGateway played = new ScriptedGateway()) {
            gateway = played.address();
            Running client = start(LOBBY);
            played.expect(ClientFrame.Hello.class);
            ServerFrame.Dm first = new ServerFrame.Dm("bob", "alice", "are you there?", "b-1", 4,
                "2026-11-23T10:00:00Z", true);
            played.send(welcome("s1", true), first,
                new ServerFrame.Dm("bob", "alice", "hello?", "b-2", 5, "2026-11-23T10:01:00Z", true),
                new ServerFrame.Dm("carol", "alice", "ping me", "c-1", 2, "2026-11-23T10:02:00Z", true));
            for (String with : List.of("bob", "carol")) {
                // The conversations they opened show their newest pages first, then them.
                ClientFrame.History page = played.expect(ClientFrame.History.class);
                assertEquals(with, page.with());
                played.send(new ServerFrame.History(null, with, List.of(), false, false, page.ref()));
            }
            client.awaitScreen("the unread counts and the notice", s -> s.split("\n")[2].matches("2 @bob +2! │.*")
                && s.split("\n")[3].matches("3 @carol +1! │.*")
                && s.contains("3 messages waited for you while you were away: 2 from bob, 1 from carol"));

            played.send(first, new ServerFrame.Dm("carol", "alice", "again", "c-2", 3, "2026-11-23T10:03:00Z", true));
            client.awaitScreen("carol's second", s -> s.split("\n")[3].matches("3 @carol +2! │.*"));
            assertTrue(client.row(2).matches("2 @bob +2! │.*"), "bob's first, sent twice, counts once:\n"
                + client.screen());
        }
    }
}
