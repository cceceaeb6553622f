package chat.client;

import chat.client.config.ClientConfig;
import chat.client.config.RememberedState;
import chat.client.config.StateStore;
import chat.client.screen.ChatApp;
import chat.client.screen.UnicodeTerminal;
import chat.client.session.ChatSession;
import chat.client.session.Credentials;
import chat.client.session.Transport;
import chat.protocol.Limits;
import chat.settings.UsageException;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Entry point of the terminal client: reads the settings (and what the last run under the nick remembered), asks for
 * a nick when none is known, and runs the full-screen chat until the user quits. The nick's rooms, conversations,
 * gateways and session token are remembered for its next start, and the nick as the one used last; a password
 * never is.
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
            Path home = Path.of(System.getProperty("user.home"));
            startup = ClientConfig.load(args, System.getenv(), home, null);
            if (startup.config().nick() == null) {
                String asked = askNick();
                if (asked == null) {
                    System.err.println("terminal-client: no nick: give one with --nick NAME");
                    System.exit(2);
                    return;
                }
                startup = ClientConfig.load(args, System.getenv(), home, asked);
            }
        } catch (UsageException | IllegalArgumentException e) {
            System.err.println("terminal-client: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        }

        ClientConfig.SignIn signIn = startup.config().signIn();
        Credentials credentials;
        Transport transport;
        try {
            credentials = signIn.passwordFromStdin() ? Credentials.readPasswordLine(System.in)
                : signIn.tokenFile() != null ? Credentials.readTokenFile(signIn.tokenFile())
                : null;
            transport = transportOf(startup.config());
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("terminal-client: " + e.getMessage());
            System.exit(2);
            return;
        }

        String refusal;
        try (InputStream keys = signIn.passwordFromStdin() ? keyboard() : System.in;
             Terminal terminal = new UnicodeTerminal(keys, System.out, StandardCharsets.UTF_8);
             Screen screen = new TerminalScreen(terminal)) {
            screen.startScreen();
            refusal = run(screen, startup, credentials, transport, Clock.systemDefaultZone(), new SecureRandom());
            screen.stopScreen();
        }
        if (refusal != null) {
            System.err.println("terminal-client: " + refusal);
            System.exit(1);
        }
    }

    /**
     * Runs the chat on a started screen with the settings and remembered state of {@code startup}, whose config names
     * a nick, until the user quits or the session is refused; returns why it was refused, or null.
     */
    public static String run(Screen screen, ClientConfig.Startup startup, Clock clock, RandomGenerator random)
        throws IOException, InterruptedException {
        return run(screen, startup, null, transportOf(startup.config()), clock, random);
    }

    /** TLS trusting the system's authorities and the {@code --ca} file, when the settings ask for TLS; else plain TCP. */
    public static Transport transportOf(ClientConfig config) throws IOException {
        return config.tls() ? Transport.tls(Transport.trusting(config.ca())) : Transport.plain();
    }

    /**
     * Like {@link #run(Screen, ClientConfig.Startup, Clock, RandomGenerator)}, signing in with {@code credentials}
     * (null for none: the session asks for a password when the gateway wants one, or at once with {@code --sign-in})
     * over {@code transport}.
     */
    public static String run(Screen screen, ClientConfig.Startup startup, Credentials credentials, Transport transport,
                             Clock clock, RandomGenerator random) throws IOException, InterruptedException {
        ClientConfig config = startup.config();
        String nick = config.nick();
        StateStore store = new StateStore(config.configDir());
        ChatApp app = new ChatApp(screen, clock, nick, config.gateways().getFirst(), memory -> {
            try {
                store.save(new RememberedState(nick, memory.rooms(), memory.conversations(), config.gateways(),
                    memory.token()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remember this session in " + store.fileOf(nick) + ": "
                    + e.getMessage(), e);
            }
        });
        if (startup.stateProblem() != null) {
            app.news("the remembered state was set aside: " + startup.stateProblem());
        }
        RememberedState remembered = startup.remembered();
        ChatSession session = new ChatSession(nick, config.gateways(), clock, random, app.listener(),
            remembered.token(), transport);
        if (credentials != null) {
            session.signIn(credentials);
        } else if (config.signIn().askFirst()) {
            session.signInFirst();
        }
        return app.run(session, new ChatApp.Memory(config.rooms(), remembered.conversations(), remembered.token()));
    }

    /**
     * Where keys come from when standard input gave the password: the terminal itself, as standard input is most
     * likely a pipe; standard input, what is left of it, when there is no terminal to open.
     */
    private static InputStream keyboard() {
        try {
            return new FileInputStream("/dev/tty");
        } catch (IOException e) {
            return System.in;
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
}
