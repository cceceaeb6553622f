package chat.client.config;

import chat.client.failover.Failover.Gateway;
import chat.protocol.Limits;
import chat.settings.SettingList;
import chat.settings.SettingSpec;
import chat.settings.SettingValues;
import chat.settings.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every setting of the terminal client, parsed and checked once. Each comes from, first to last: its command-line
 * flag, its environment variable, {@code client.properties} in the config directory, what the client remembered
 * of the nick from its last run under it ({@link StateStore}), its default. Nothing else in the client reads the
 * environment or these files. Immutable.
 *
 * @param nick the nick to use; null when none is given anywhere, and the client asks for one
 * @param gateways the gateways to talk to, in the order failover tries them; never empty
 * @param configDir where {@code client.properties} and the remembered states live
 * @param rooms the rooms to join at start, possibly none
 * @param tls whether to talk TLS to the gateways
 * @param ca a PEM file of authorities to trust besides the system's, with TLS; null for none
 * @param signIn how the session signs in to its nick's account at start
 */
public record ClientConfig(String nick, List<Gateway> gateways, Path configDir, List<String> rooms, boolean tls,
                           Path ca, SignIn signIn) {
    /** The file of settings in the config directory, written by the user. */
    public static final String SETTINGS_FILE = "client.properties";
    /** The file in the config directory that names the nick used last, written by the client. */
    public static final String STATE_FILE = "state.json";
    /** Most rooms joined at start, and remembered. */
    public static final int MAX_ROOMS = 100;
    /** Largest {@code client.properties} read; a settings file is a few lines. */
    public static final int MAX_SETTINGS_FILE_BYTES = 64 * 1024;

    /**
     * The client's settings: each one's flag, environment variable, default and what it does. Those that
     * {@code client.properties} can set too ({@link #IN_FILE}) have the key of their flag, less its dashes.
     */
    public static final class Setting {
        /** All of them, in the order of {@code --help}. */
        public static final SettingList ALL = new SettingList();
        public static final SettingSpec NICK = ALL.option("--nick", "CHAT_NICK", null,
            "nick to use: a letter, then up to 19 letters, digits, _ or - (default: the last one used, else asked)");
        public static final SettingSpec GATEWAYS = ALL.option("--gateways", "CHAT_GATEWAYS",
            "127.0.0.1:7001,127.0.0.1:7002",
            "gateways to talk to, HOST:PORT,... ([::1]:7001 for IPv6), the next tried when one is lost "
                + "(default: the last ones used with this nick, else these)");
        public static final SettingSpec ROOMS = ALL.option("--rooms", "CHAT_ROOMS", "lobby",
            "rooms to join at start, ROOM,... (default: the rooms open when the client last ran with this nick, "
                + "else this)");
        public static final SettingSpec CONFIG_DIR = ALL.option("--config-dir", "CHAT_CONFIG_DIR", null,
            "directory of client.properties and of what the client remembers of each nick (default "
                + "$XDG_CONFIG_HOME/kafka-chat, else ~/.config/kafka-chat)");
        public static final SettingSpec TLS = ALL.onOff("--tls", "CHAT_TLS",
            "talk TLS to the gateways (their TLS ports: 9001.. for ops/chat), checking their certificates and host names");
        public static final SettingSpec CA = ALL.option("--ca", "CHAT_CA", null,
            "PEM file of the authorities to trust besides the system's, with --tls (ops/chat: data/tls/ca.pem)");
        public static final SettingSpec SIGN_IN = ALL.onOff("--sign-in", "CHAT_SIGN_IN",
            "ask for the nick's password before connecting (without it, the client asks when the gateway says the "
                + "nick is registered)");
        public static final SettingSpec PASSWORD_STDIN = ALL.onOff("--password-stdin", "CHAT_PASSWORD_STDIN",
            "sign in with the password on the first line of standard input, read before the screen starts (for "
                + "scripts)");
        public static final SettingSpec TOKEN_FILE = ALL.option("--token-file", "CHAT_TOKEN_FILE", null,
            "sign in with the signed token (JWT) in this file rather than a password");
        /** The settings {@code client.properties} can set: never a secret's, nor where the file itself is. */
        public static final List<SettingSpec> IN_FILE = List.of(NICK, GATEWAYS, ROOMS, TLS, CA);

        private Setting() {}

        /** Its key in {@code client.properties}, or null when the file cannot set it. */
        public static String fileKey(SettingSpec setting) {
            return IN_FILE.contains(setting) ? setting.flag().substring(2) : null;
        }
    }

    /**
     * How the session signs in at start. With none of these, it starts as a guest and asks for the password only when
     * the gateway says the nick is registered, or that guests are not admitted.
     *
     * @param askFirst ask for the password before connecting
     * @param passwordFromStdin read the password from the first line of standard input before the screen starts
     * @param tokenFile the file of a signed token to sign in with, or null
     */
    public record SignIn(boolean askFirst, boolean passwordFromStdin, Path tokenFile) {
        public static final SignIn AS_GUEST = new SignIn(false, false, null);

        public SignIn {
            if (passwordFromStdin && tokenFile != null) {
                throw new IllegalArgumentException(Setting.PASSWORD_STDIN.flag() + " and " + Setting.TOKEN_FILE.flag()
                    + " are two ways to sign in: give one");
            }
        }
    }

    /**
     * What the client starts with: its settings, what it remembered of its nick (its conversations and session token
     * besides the settings; {@link RememberedState#EMPTY} when nothing), and why a remembered file was set aside (a
     * sentence to show the user), or null when none was.
     */
    public record Startup(ClientConfig config, RememberedState remembered, String stateProblem) {}

    public ClientConfig {
        if (nick != null && !Limits.isValidNick(nick)) {
            throw new IllegalArgumentException("not a valid nick: '" + nick + "'");
        }
        gateways = List.copyOf(gateways);
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("at least one gateway is needed");
        }
        if (configDir == null) {
            throw new IllegalArgumentException("a config directory is needed");
        }
        rooms = List.copyOf(rooms);
        if (rooms.size() > MAX_ROOMS || !rooms.stream().allMatch(Limits::isValidRoom)) {
            throw new IllegalArgumentException("rooms must be at most " + MAX_ROOMS + " valid room names");
        }
        if (ca != null && !tls) {
            throw new IllegalArgumentException("--ca (CHAT_CA) is for TLS: give --tls as well");
        }
        if (signIn == null) {
            throw new IllegalArgumentException("how to sign in is needed");
        }
    }

    /** Plain TCP to the gateways, starting as a guest. */
    public ClientConfig(String nick, List<Gateway> gateways, Path configDir, List<String> rooms) {
        this(nick, gateways, configDir, rooms, false, null, SignIn.AS_GUEST);
    }

    /**
     * Reads the flags and the environment, then {@code client.properties} in the config directory they name and what
     * the client remembered there of the nick chosen ({@link StateStore}); a missing file is no error.
     *
     * @param userHome the user's home directory, for the default config directory
     * @param askedNick the nick the user was asked for, when no setting named one and none was remembered; else null
     * @throws UsageException naming the flag, variable or file entry that cannot be used, or when
     *     {@code client.properties} cannot be read
     */
    public static Startup load(String[] args, Map<String, String> env, Path userHome, String askedNick)
        throws UsageException {
        SettingValues given = SettingValues.parse(Setting.ALL, args, env);
        Path configDir = configDir(given, env, userHome);
        Map<SettingSpec, String> file = settingsFile(readSettingsFile(configDir.resolve(SETTINGS_FILE)));
        return resolve(given, configDir, file, askedNick, new StateStore(configDir)::recall);
    }

    /**
     * Like {@link #load}, from the settings file's text (null for none) and, rather than the config directory's
     * files, the state remembered of the nick used last: it counts for that nick only.
     */
    public static ClientConfig parse(String[] args, Map<String, String> env, Path userHome, String settingsFileText,
                                     RememberedState lastNicksState) throws UsageException {
        SettingValues given = SettingValues.parse(Setting.ALL, args, env);
        return resolve(given, configDir(given, env, userHome), settingsFile(settingsFileText), null,
            nick -> new StateStore.Recalled(lastNicksState.nick(),
                nick == null || lastNicksState.isOf(nick) ? lastNicksState : RememberedState.EMPTY, null)).config();
    }

    /**
     * {@code $XDG_CONFIG_HOME/kafka-chat} when that variable names an absolute path (the XDG base directory rule
     * ignores a relative one), else {@code ~/.config/kafka-chat}.
     */
    public static Path defaultConfigDir(Map<String, String> env, Path userHome) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            try {
                Path base = Path.of(xdg.strip());
                if (base.isAbsolute()) {
                    return base.resolve("kafka-chat");
                }
            } catch (InvalidPathException e) {
                // Not a usable path: the home directory's default is.
            }
        }
        return userHome.resolve(".config").resolve("kafka-chat");
    }

    public static String usage() {
        return SettingValues.usage(Setting.ALL, """
            usage: java -jar terminal-client.jar [OPTION VALUE]...

            The full-screen chat client. It talks to one gateway at a time and moves to the next of its list
            when that one is lost. Each option comes from, first to last: its flag, the environment variable
            named beside it, the same-named key (nick, gateways, rooms, tls, ca) in client.properties in the config
            directory, what the client remembered from its last run with the nick (nicks/NICK.json there;
            state.json names the nick used last), its default.

            A nick registered to an account is signed in to with its password: the client asks for it (the
            typing is not shown) when the gateway says the nick is registered, or at once with --sign-in.
            /register in the chat registers the nick in use. The password is kept in memory only, never
            written to disk.

            """);
    }

    /**
     * The one place that decides where each setting comes from. The nick is chosen first (a setting, else the one
     * asked for, else the one used last); what was remembered of that nick, and of no other, fills in the rest.
     */
    private static Startup resolve(SettingValues given, Path configDir, Map<SettingSpec, String> file,
                                   String askedNick, Function<String, StateStore.Recalled> recall)
        throws UsageException {
        try {
            String chosen = pick(Setting.NICK, given, file, askedNick, ClientConfig::parseNick);
            StateStore.Recalled recalled = recall.apply(chosen);
            String nick = chosen != null ? chosen : recalled.lastNick();
            RememberedState remembered = recalled.state();
            List<Gateway> gateways = pick(Setting.GATEWAYS, given, file,
                remembered.gateways().isEmpty() ? null : remembered.gateways(), ClientConfig::parseGateways);
            // Nothing remembered of this nick (its first start) joins the default room; an empty list remembered
            // joins none.
            List<String> rooms = pick(Setting.ROOMS, given, file,
                remembered.equals(RememberedState.EMPTY) ? null : remembered.rooms(), ClientConfig::parseRooms);
            boolean tls = pick(Setting.TLS, given, file, null, ClientConfig::parseSwitch);
            Path ca = pick(Setting.CA, given, file, null, ClientConfig::parsePath);
            SignIn signIn = new SignIn(pick(Setting.SIGN_IN, given, file, null, ClientConfig::parseSwitch),
                pick(Setting.PASSWORD_STDIN, given, file, null, ClientConfig::parseSwitch),
                pick(Setting.TOKEN_FILE, given, file, null, ClientConfig::parsePath));
            ClientConfig config = new ClientConfig(nick, gateways, configDir, rooms == null ? List.of() : rooms, tls, ca,
                signIn);
            return new Startup(config, remembered, recalled.problem());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * From the flag or variable, else the settings file, else the remembered value, else the default; null if none.
     * {@code parse} takes the text and where it came from, for its error message.
     */
    private static <T> T pick(SettingSpec s, SettingValues given, Map<SettingSpec, String> file, T remembered,
                              BiFunction<String, String, T> parse) {
        if (given.isGiven(s)) {
            return parse.apply(given.text(s).strip(), s.flag() + " (" + s.env() + ")");
        }
        if (file.containsKey(s)) {
            return parse.apply(file.get(s).strip(), SETTINGS_FILE + " " + Setting.fileKey(s));
        }
        if (remembered != null) {
            return remembered;
        }
        return s.defaultValue() == null ? null : parse.apply(s.defaultValue(), "the default of " + s.flag());
    }

    private static String parseNick(String text, String source) {
        if (!Limits.isValidNick(text)) {
            throw new IllegalArgumentException(source + " must be a nick (a letter, then up to 19 letters, digits, _ "
                + "or -), not '" + text + "'");
        }
        return text;
    }

    private static boolean parseSwitch(String text, String source) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(source + " must be true or false, not '" + text + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static Path parsePath(String text, String source) {
        try {
            if (text.isBlank()) {
                throw new InvalidPathException(text, "empty");
            }
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(source + " must be a file, not '" + text + "'");
        }
    }

    private static List<Gateway> parseGateways(String text, String source) {
        try {
            return GatewayAddresses.parseList(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    /** {@code ROOM,...}: blanks and empty entries ignored, a repeated room counts once; none is allowed. */
    private static List<String> parseRooms(String text, String source) {
        Set<String> rooms = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            String room = entry.strip();
            if (room.isEmpty()) {
                continue;
            }
            if (!Limits.isValidRoom(room)) {
                throw new IllegalArgumentException(source + ": '" + room + "' is not a room name (up to 32 lowercase "
                    + "letters, digits, _ or -, beginning with a letter or digit)");
            }
            rooms.add(room);
        }
        if (rooms.size() > MAX_ROOMS) {
            throw new IllegalArgumentException(source + " names " + rooms.size() + " rooms; at most " + MAX_ROOMS);
        }
        return List.copyOf(rooms);
    }

    private static Path configDir(SettingValues given, Map<String, String> env, Path userHome)
        throws UsageException {
        if (!given.isGiven(Setting.CONFIG_DIR)) {
            return defaultConfigDir(env, userHome);
        }
        String raw = given.text(Setting.CONFIG_DIR);
        try {
            if (raw.isBlank()) {
                throw new InvalidPathException(raw, "empty");
            }
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw new UsageException(Setting.CONFIG_DIR.flag() + " (" + Setting.CONFIG_DIR.env()
                + ") must be a directory, not '" + raw + "'");
        }
    }

    /** The file's settings by key; an unknown key is refused, as an unknown flag is. */
    private static Map<SettingSpec, String> settingsFile(String text) throws UsageException {
        Map<SettingSpec, String> values = new HashMap<>();
        if (text == null) {
            return values;
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(SETTINGS_FILE + ": " + e.getMessage());
        }
        for (String key : properties.stringPropertyNames()) {
            SettingSpec setting = byFileKey(key);
            if (setting == null) {
                throw new UsageException(SETTINGS_FILE + ": unknown setting '" + key + "' (it may set nick, gateways, rooms, tls, ca)");
            }
            values.put(setting, properties.getProperty(key));
        }
        return values;
    }

    /** The text of the settings file, or null when there is none. */
    private static String readSettingsFile(Path file) throws UsageException {
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(file + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SETTINGS_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_SETTINGS_FILE_BYTES) {
            throw new UsageException(file + " is larger than " + MAX_SETTINGS_FILE_BYTES / 1024 + " KiB");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(file + " is not UTF-8 text");
        }
    }

    private static SettingSpec byFileKey(String key) {
        for (SettingSpec s : Setting.IN_FILE) {
            if (key.equals(Setting.fileKey(s))) {
                return s;
            }
        }
        return null;
    }
}
