package chat.client;

import chat.client.config.ClientConfig;
import chat.client.config.RememberedState;
import chat.client.screen.ChatApp;
import chat.client.screen.UnicodeTerminal;
import chat.client.session.ChatSession;
import chat.protocol.Limits;
import chat.settings.UsageException;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the terminal client: reads the settings (and what the last run remembered), asks for a nick when
 * none is known, and runs the full-screen chat until the user quits. The nick, rooms and gateways are remembered for
 * the next start.
 */
public final class ClientMain {
    private ClientMain() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(ClientConfig.usage());
            return;
        }
        ClientConfig.Startup startup;
        try {
            startup = ClientConfig.load(args, System.getenv(), Path.of(System.getProperty("user.home")));
        } catch (UsageException | IllegalArgumentException e) {
            System.err.println("terminal-client: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        }
        ClientConfig config = startup.config();
        String nick = config.nick() != null ? config.nick() : askNick();
        if (nick == null) {
            System.err.println("terminal-client: no nick: give one with --nick NAME");
            System.exit(2);
            return;
        }
        Remember remember = new Remember(config, nick);
        try {
            remember.rooms(config.rooms());
        } catch (UncheckedIOException e) {
            System.err.println("terminal-client: " + e.getMessage());
        }

        String refusal;
        try (Terminal terminal = new UnicodeTerminal(System.in, System.out, StandardCharsets.UTF_8);
             Screen screen = new TerminalScreen(terminal)) {
            screen.startScreen();
            ChatApp app = new ChatApp(screen, Clock.systemDefaultZone(), nick, config.gateways().getFirst(),
                remember::rooms);
            if (startup.stateProblem() != null) {
                app.news("the remembered state was set aside: " + startup.stateProblem());
            }
            ChatSession session = new ChatSession(nick, config.gateways(), Clock.systemUTC(), new SecureRandom(),
                app.listener());
            refusal = app.run(session, config.rooms());
            screen.stopScreen();
        }
        if (refusal != null) {
            System.err.println("terminal-client: " + refusal);
            System.exit(1);
        }
    }

    /** Asks for a nick on the plain terminal, before the screen starts; null when there is nobody to ask. */
    private static String askNick() throws IOException {
        if (System.console() == null) {
            return null;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            System.out.print("nick: ");
            System.out.flush();
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            String nick = line.strip();
            if (Limits.isValidNick(nick)) {
                return nick;
            }
            System.out.println("a nick is a letter, then up to 19 letters, digits, _ or -");
        }
    }

    /** Writes what the next start takes up again. */
    private record Remember(ClientConfig config, String nick) {
        void rooms(List<String> rooms) {
            try {
                new RememberedState(nick, rooms, config.gateways()).save(config.stateFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remember the rooms in " + config.stateFile() + ": "
                    + e.getMessage(), e);
            }
        }
    }
}
