package chat.system;

import chat.client.ClientMain;
import chat.client.config.ClientConfig;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminalListener;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The terminal client as a person starts it, with its command-line arguments and no environment, on Lanterna's
 * virtual terminal (80x24) instead of a real one: keys in, the screen read back.
 */
final class TerminalClient implements AutoCloseable {
    static final KeyStroke ALT_ENTER = new KeyStroke('j', true, true);

    private final DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    /** One permit per flush of the terminal: each paint of the screen ends with one. */
    private final Semaphore flushes = new Semaphore(0);

    private TerminalClient() {}

    /** Starts the client as {@code java -jar terminal-client.jar ARGS} would, with {@code home} as the user's home. */
    static TerminalClient start(Path home, String... args) throws Exception {
        TerminalClient client = new TerminalClient();
        client.terminal.addVirtualTerminalListener(new VirtualTerminalListener() {
            @Override
            public void onFlush() {
                client.flushes.release();
            }

            @Override
            public void onBell() {}

            @Override
            public void onClose() {}

            @Override
            public void onResized(Terminal resized, TerminalSize size) {}
        });
        ClientConfig.Startup startup = ClientConfig.load(args, Map.of(), home, null);
        TerminalScreen screen = new TerminalScreen(client.terminal);
        screen.startScreen();
        Thread.ofVirtual().start(() -> {
            try {
                client.ended.complete(ClientMain.run(screen, startup, Clock.systemDefaultZone(), new SecureRandom()));
            } catch (Exception e) {
                client.ended.completeExceptionally(e);
            }
        });
        return client;
    }

    void type(String keys) {
        for (char c : keys.toCharArray()) {
            terminal.addInput(c == '\n' ? new KeyStroke(KeyType.Enter) : new KeyStroke(c, false, false));
        }
    }

    void press(KeyStroke key) {
        terminal.addInput(key);
    }

    String screen() {
        return IntStream.range(0, 24).mapToObj(r -> IntStream.range(0, 80)
                .mapToObj(c -> terminal.getCharacter(c, r).getCharacterString()).collect(Collectors.joining()))
            .collect(Collectors.joining("\n"));
    }

    /** The status bar: the nick, the room in view and the connection's state. */
    String statusBar() {
        return screen().split("\n")[0];
    }

    /** Waits, paint by paint, until the screen shows what is expected; fails with the screen as it is after 30 s. */
    void awaitScreen(String what, Predicate<String> shown) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!shown.test(screen())) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !flushes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                throw new AssertionError("the screen never showed " + what + ":\n" + screen());
            }
        }
    }

    /** Quits with {@code /quit}; returns why the session was refused, or null. */
    String quit() throws Exception {
        if (!ended.isDone()) {
            type("/quit\n");
        }
        return ended.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        quit();
    }
}
