package chat.client.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover.Gateway;
import chat.settings.SettingSpec;
import chat.settings.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
    private static final Path HOME = Path.of("/home/ann");
    private static final String[] NO_ARGS = new String[0];
    private static final List<Gateway> LOCAL_STACK =
        List.of(new Gateway("127.0.0.1", 7001), new Gateway("127.0.0.1", 7002));
    private static final RememberedState REMEMBERED = new RememberedState("remembered", List.of("remembered-room"),
        List.of(), List.of(new Gateway("remembered.example", 7000)), null);

    private static ClientConfig parse(String[] args, Map<String, String> env, String file, RememberedState state)
        throws UsageException {
        return ClientConfig.parse(args, env, HOME, file, state);
    }

    private static String problem(String[] args, Map<String, String> env, String file) {
        return assertThrows(UsageException.class, () -> parse(args, env, file, RememberedState.EMPTY)).getMessage();
    }

    @Test
    void withNothingGivenTheNickIsAskedForAndTheLocalStacksLobbyIsJoined() throws Exception {
        ClientConfig config = parse(NO_ARGS, Map.of(), null, RememberedState.EMPTY);
        assertNull(config.nick());
        assertEquals(LOCAL_STACK, config.gateways());
        assertEquals(List.of("lobby"), config.rooms(), "a first start joins the lobby");
        assertEquals(Path.of("/home/ann/.config/kafka-chat"), config.configDir());
    }

    @Test
    void aFlagWinsOverTheVariableTheFileAndTheRememberedState() throws Exception {
        ClientConfig config = parse(
            new String[] {"--nick", "flag", "--gateways=flag.example:1", "--rooms", "flag-room"},
            Map.of("CHAT_NICK", "env", "CHAT_GATEWAYS", "env.example:2", "CHAT_ROOMS", "env-room"),
            "nick=file\ngateways=file.example:3\nrooms=file-room\n", REMEMBERED);
        assertEquals("flag", config.nick());
        assertEquals(List.of(new Gateway("flag.example", 1)), config.gateways());
        assertEquals(List.of("flag-room"), config.rooms());
    }

    @Test
    void theVariableWinsOverTheFileAndTheRememberedState() throws Exception {
        ClientConfig config = parse(NO_ARGS,
            Map.of("CHAT_NICK", "env", "CHAT_GATEWAYS", "env.example:2", "CHAT_ROOMS", "env-room"),
            "nick=file\ngateways=file.example:3\nrooms=file-room\n", REMEMBERED);
        assertEquals("env", config.nick());
        assertEquals(List.of(new Gateway("env.example", 2)), config.gateways());
        assertEquals(List.of("env-room"), config.rooms());
    }

    @Test
    void theFileWinsOverTheRememberedState() throws Exception {
        ClientConfig config = parse(NO_ARGS, Map.of(),
            "# mine\nnick = file\ngateways = file.example:3, [::1]:7001\nrooms = file-room, other\n", REMEMBERED);
        assertEquals("file", config.nick());
        assertEquals(List.of(new Gateway("file.example", 3), new Gateway("::1", 7001)), config.gateways());
        assertEquals(List.of("file-room", "other"), config.rooms());
    }

    @Test
    void theRememberedStateWinsOverTheDefaults() throws Exception {
        ClientConfig config = parse(NO_ARGS, Map.of(), null, REMEMBERED);
        assertEquals("remembered", config.nick());
        assertEquals(REMEMBERED.gateways(), config.gateways());
        assertEquals(List.of("remembered-room"), config.rooms());
    }

    @Test
    void noRememberedGatewaysMeansTheDefaultOnes() throws Exception {
        ClientConfig config = parse(NO_ARGS, Map.of(), null,
            new RememberedState("ann", List.of("general"), List.of(), List.of(), null));
        assertEquals(LOCAL_STACK, config.gateways());
        assertEquals("ann", config.nick());
    }

    @Test
    void whatWasRememberedOfAnotherNickIsNotTakenUp() throws Exception {
        ClientConfig config = parse(new String[] {"--nick", "alice"}, Map.of(), null, REMEMBERED);
        assertEquals("alice", config.nick());
        assertEquals(List.of("lobby"), config.rooms(), "alice's first start joins the lobby, not remembered-room");
        assertEquals(LOCAL_STACK, config.gateways());

        assertEquals(List.of("remembered-room"),
            parse(new String[] {"--nick", "REMEMBERED"}, Map.of(), null, REMEMBERED).rooms(),
            "a nick is one whatever its case");
    }

    @Test
    void eachSettingFallsBackOnItsOwn() throws Exception {
        ClientConfig config = parse(new String[] {"--nick", "flag"}, Map.of("CHAT_ROOMS", "env-room"),
            "gateways=file.example:3\n", REMEMBERED);
        assertEquals("flag", config.nick());
        assertEquals(List.of(new Gateway("file.example", 3)), config.gateways());
        assertEquals(List.of("env-room"), config.rooms());
    }

    @Test
    void anEmptyRoomsFlagJoinsNoRoomRatherThanTheRememberedOnes() throws Exception {
        assertEquals(List.of(), parse(new String[] {"--rooms="}, Map.of(), null, REMEMBERED).rooms());
        assertEquals(List.of(), parse(NO_ARGS, Map.of(), "rooms=\n", REMEMBERED).rooms());
    }

    @Test
    void roomListsIgnoreBlanksAndRepeats() throws Exception {
        assertEquals(List.of("a", "b"), parse(new String[] {"--rooms", " a, b,,a, "}, Map.of(), null,
            RememberedState.EMPTY).rooms());
    }

    @Test
    void gatewayListsTakeHostNamesIpv4AndBracketedIpv6() throws Exception {
        ClientConfig config = parse(new String[] {"--gateways", "chat.example.org:443, 10.0.0.1:7001,[fe80::1%eth0]:7002"},
            Map.of(), null, RememberedState.EMPTY);
        assertEquals(List.of(new Gateway("chat.example.org", 443), new Gateway("10.0.0.1", 7001),
            new Gateway("fe80::1%eth0", 7002)), config.gateways());
        assertEquals("chat.example.org:443,10.0.0.1:7001,[fe80::1%eth0]:7002",
            GatewayAddresses.format(config.gateways()));
    }

    @Test
    void aBadGatewayIsNamedWithItsSetting() {
        String message = problem(new String[] {"--gateways", "127.0.0.1:7001,nohost"}, Map.of(), null);
        assertTrue(message.startsWith("--gateways (CHAT_GATEWAYS)") && message.contains("'nohost'"), message);
        message = problem(NO_ARGS, Map.of("CHAT_GATEWAYS", "host:99999"), null);
        assertTrue(message.contains("CHAT_GATEWAYS") && message.contains("'host:99999'") && message.contains("65535"),
            message);
        message = problem(NO_ARGS, Map.of(), "gateways=host:7001,:7002\n");
        assertTrue(message.startsWith("client.properties gateways") && message.contains("':7002'"), message);
        assertTrue(problem(new String[] {"--gateways", "::1:7001"}, Map.of(), null).contains("[::1]:7001"));
        assertTrue(problem(new String[] {"--gateways", "[::1]7001"}, Map.of(), null).contains("'[::1]7001'"));
        assertTrue(problem(new String[] {"--gateways", "host:0"}, Map.of(), null).contains("'host:0'"));
        assertTrue(problem(new String[] {"--gateways", "host:-1"}, Map.of(), null).contains("'host:-1'"));
        assertTrue(problem(new String[] {"--gateways", "a b:1"}, Map.of(), null).contains("'a b:1'"));
        assertTrue(problem(new String[] {"--gateways", " , "}, Map.of(), null).contains("no gateway"));
    }

    @Test
    void aBadNickIsNamedWithItsSetting() {
        String message = problem(new String[] {"--nick", "9lives"}, Map.of(), null);
        assertTrue(message.startsWith("--nick (CHAT_NICK)") && message.contains("'9lives'"), message);
        assertTrue(problem(NO_ARGS, Map.of("CHAT_NICK", "a".repeat(21)), null).contains("CHAT_NICK"));
        assertTrue(problem(NO_ARGS, Map.of(), "nick=has space\n").startsWith("client.properties nick"));
        assertTrue(problem(new String[] {"--nick="}, Map.of(), null).contains("--nick"));
    }

    @Test
    void aBadRoomIsNamedWithItsSetting() {
        String message = problem(new String[] {"--rooms", "general,Random"}, Map.of(), null);
        assertTrue(message.startsWith("--rooms (CHAT_ROOMS)") && message.contains("'Random'"), message);
        assertTrue(problem(NO_ARGS, Map.of(), "rooms=ok,_bad\n").contains("'_bad'"));
        StringBuilder tooMany = new StringBuilder();
        for (int i = 0; i <= ClientConfig.MAX_ROOMS; i++) {
            tooMany.append("r").append(i).append(',');
        }
        assertTrue(problem(new String[] {"--rooms", tooMany.toString()}, Map.of(), null).contains("at most 100"));
    }

    @Test
    void anUnknownKeyInTheFileIsRefusedLikeAnUnknownFlag() {
        assertTrue(problem(NO_ARGS, Map.of(), "nik=ann\n").contains("unknown setting 'nik'"));
        assertTrue(problem(NO_ARGS, Map.of(), "config-dir=/tmp\n").contains("unknown setting"));
        assertTrue(problem(new String[] {"--nik", "ann"}, Map.of(), null).contains("unknown option --nik"));
        assertTrue(problem(NO_ARGS, Map.of(), "nick=\\u00zz\n").startsWith("client.properties"));
    }

    @Test
    void theConfigDirComesFromXdgConfigHomeWhenItIsSet() throws Exception {
        assertEquals(Path.of("/xdg/kafka-chat"),
            parse(NO_ARGS, Map.of("XDG_CONFIG_HOME", "/xdg"), null, RememberedState.EMPTY).configDir());
        assertEquals(Path.of("/xdg/kafka-chat"), ClientConfig.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "/xdg"), HOME));
    }

    @Test
    void theConfigDirIsUnderTheHomeWhenXdgConfigHomeIsUnsetBlankOrRelative() {
        Path underHome = Path.of("/home/ann/.config/kafka-chat");
        assertEquals(underHome, ClientConfig.defaultConfigDir(Map.of(), HOME));
        assertEquals(underHome, ClientConfig.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "  "), HOME));
        assertEquals(underHome, ClientConfig.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "relative/dir"), HOME));
    }

    @Test
    void theConfigDirFlagAndVariableWinOverXdgConfigHome() throws Exception {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "/xdg", "CHAT_CONFIG_DIR", "/from-env");
        assertEquals(Path.of("/from-env"), parse(NO_ARGS, env, null, RememberedState.EMPTY).configDir());
        assertEquals(Path.of("/from-flag"),
            parse(new String[] {"--config-dir", "/from-flag"}, env, null, RememberedState.EMPTY).configDir());
        assertTrue(problem(new String[] {"--config-dir="}, Map.of(), null).contains("--config-dir"));
    }

    @Test
    void loadReadsTheSettingsFileAndTheRememberedStateInTheConfigDir(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("client.properties"), "gateways=file.example:3\n");
        RememberedState ann = new RememberedState("ann", List.of("general"), List.of("bob"),
            List.of(new Gateway("old.example", 9)), "ann-token");
        new StateStore(dir).save(ann);

        ClientConfig.Startup startup = ClientConfig.load(new String[] {"--config-dir", dir.toString()}, Map.of(), HOME,
            null);

        assertNull(startup.stateProblem());
        assertEquals(new ClientConfig("ann", List.of(new Gateway("file.example", 3)), dir, List.of("general")),
            startup.config());
        assertEquals(ann, startup.remembered());
    }

    @Test
    void loadTakesUpTheStateOfTheNickGivenAndWithoutOneOfTheNickUsedLast(@TempDir Path dir) throws Exception {
        RememberedState alice = new RememberedState("alice", List.of("lobby", "ops"), List.of("bob"),
            LOCAL_STACK, "alice-token");
        RememberedState bob = new RememberedState("bob", List.of("random"), List.of(),
            List.of(new Gateway("127.0.0.1", 7002)), "bob-token");
        new StateStore(dir).save(alice);
        new StateStore(dir).save(bob);
        Map<String, String> env = Map.of("CHAT_CONFIG_DIR", dir.toString());

        ClientConfig.Startup asAlice = ClientConfig.load(new String[] {"--nick", "alice"}, env, HOME, null);
        assertEquals(new ClientConfig("alice", LOCAL_STACK, dir, List.of("lobby", "ops")), asAlice.config());
        assertEquals(alice, asAlice.remembered());

        ClientConfig.Startup plain = ClientConfig.load(NO_ARGS, env, HOME, null);
        assertEquals("bob", plain.config().nick(), "bob used the directory last");
        assertEquals(bob, plain.remembered());
    }

    @Test
    void loadWithANickAskedForTakesUpWhatWasRememberedOfIt(@TempDir Path dir) throws Exception {
        RememberedState carol = new RememberedState("carol", List.of("ops"), List.of(), List.of(), null);
        carol.save(new StateStore(dir).fileOf("carol"));
        Map<String, String> env = Map.of("CHAT_CONFIG_DIR", dir.toString());

        assertNull(ClientConfig.load(NO_ARGS, env, HOME, null).config().nick(), "no nick was used last: ask");
        ClientConfig.Startup asked = ClientConfig.load(NO_ARGS, env, HOME, "carol");
        assertEquals("carol", asked.config().nick());
        assertEquals(List.of("ops"), asked.config().rooms());
    }

    @Test
    void loadStartsAfreshAndSaysWhyWhenTheRememberedStateIsDamaged(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"nick\": ");

        ClientConfig.Startup startup =
            ClientConfig.load(NO_ARGS, Map.of("CHAT_CONFIG_DIR", dir.toString()), HOME, null);

        assertTrue(startup.stateProblem().contains("state.json"), startup.stateProblem());
        assertNull(startup.config().nick());
        assertEquals(LOCAL_STACK, startup.config().gateways());
    }

    @Test
    void loadWithoutAnyFileUsesTheDefaults(@TempDir Path dir) throws Exception {
        ClientConfig.Startup startup =
            ClientConfig.load(NO_ARGS, Map.of("XDG_CONFIG_HOME", dir.toString()), HOME, null);
        assertNull(startup.stateProblem());
        assertEquals(new ClientConfig(null, LOCAL_STACK, dir.resolve("kafka-chat"), List.of("lobby")), startup.config());
    }

    @Test
    void aSettingsFileThatIsNotUtf8OrTooLargeIsRefused(@TempDir Path dir) throws Exception {
        String[] args = {"--config-dir", dir.toString()};
        Files.write(dir.resolve("client.properties"), new byte[] {'n', 'i', 'c', 'k', '=', (byte) 0xff});
        assertTrue(assertThrows(UsageException.class, () -> ClientConfig.load(args, Map.of(), HOME, null))
            .getMessage().contains("UTF-8"));
        Files.writeString(dir.resolve("client.properties"), "#" + "x".repeat(ClientConfig.MAX_SETTINGS_FILE_BYTES),
            StandardCharsets.UTF_8);
        assertTrue(assertThrows(UsageException.class, () -> ClientConfig.load(args, Map.of(), HOME, null))
            .getMessage().contains("KiB"));
    }

    @Test
    void usageNamesEveryFlagAndVariable() {
        String usage = ClientConfig.usage();
        for (SettingSpec s : ClientConfig.Setting.ALL.all()) {
            assertTrue(usage.contains(s.flag()) && usage.contains(s.env()), s.flag());
        }
        assertTrue(usage.contains("client.properties"));
    }

    @Test
    void signingInIsAGuestsByDefaultAndSwitchesTakeNoValue() throws Exception {
        assertEquals(ClientConfig.SignIn.AS_GUEST, parse(NO_ARGS, Map.of(), null, RememberedState.EMPTY).signIn());
        ClientConfig config = parse(new String[] {"--sign-in", "--nick", "ann", "--password-stdin"}, Map.of(), null,
            RememberedState.EMPTY);
        assertEquals(new ClientConfig.SignIn(true, true, null), config.signIn());
        assertEquals("ann", config.nick(), "the flag after a switch keeps its value");
        assertEquals(new ClientConfig.SignIn(true, false, Path.of("/run/ann.jwt")),
            parse(NO_ARGS, Map.of("CHAT_SIGN_IN", "true", "CHAT_TOKEN_FILE", "/run/ann.jwt"), null,
                RememberedState.EMPTY).signIn());
        assertEquals(Path.of("--sign-in"), parse(new String[] {"--token-file", "--sign-in"}, Map.of(), null,
            RememberedState.EMPTY).signIn().tokenFile(), "a value that looks like a switch is still the value");
    }

    @Test
    void aPasswordFromStandardInputAndATokenFileAreRefusedTogetherAndASwitchVariableIsTrueOrFalse() {
        assertEquals("--password-stdin and --token-file are two ways to sign in: give one",
            problem(new String[] {"--password-stdin", "--token-file", "t.jwt"}, Map.of(), null));
        assertEquals("--sign-in (CHAT_SIGN_IN) must be true or false, not 'yes'",
            problem(NO_ARGS, Map.of("CHAT_SIGN_IN", "yes"), null));
        assertEquals("--sign-in (CHAT_SIGN_IN) must be true or false, not 'yes'",
            problem(new String[] {"--sign-in=yes"}, Map.of(), null));
    }

    @Test
    void usageShowsASwitchWithoutAValue() {
        String usage = ClientConfig.usage();
        assertTrue(usage.contains("  --sign-in  ") && !usage.contains("--sign-in VALUE"), usage);
        assertTrue(usage.contains("--token-file VALUE"), usage);
        assertTrue(usage.contains("kept in memory only"), usage);
    }

    @Test
    void plainTcpUnlessTlsIsAskedForAndTheCaOnlyWithIt() throws Exception {
        ClientConfig plain = parse(NO_ARGS, Map.of(), null, RememberedState.EMPTY);
        assertTrue(!plain.tls());
        assertNull(plain.ca());
        ClientConfig tls = parse(new String[] {"--tls", "--ca", "/etc/chat/ca.pem", "--nick", "ann"}, Map.of(), null,
            RememberedState.EMPTY);
        assertTrue(tls.tls(), "--tls alone, followed by another flag");
        assertEquals(Path.of("/etc/chat/ca.pem"), tls.ca());
        assertEquals("ann", tls.nick());
        assertTrue(parse(NO_ARGS, Map.of("CHAT_TLS", "true", "CHAT_CA", "ca.pem"), null, RememberedState.EMPTY).tls());
        ClientConfig fromFile = parse(NO_ARGS, Map.of(), "tls=true\nca=/srv/ca.pem\n", RememberedState.EMPTY);
        assertTrue(fromFile.tls());
        assertEquals(Path.of("/srv/ca.pem"), fromFile.ca());
        assertTrue(!parse(new String[] {"--tls=false"}, Map.of("CHAT_TLS", "true"), null, RememberedState.EMPTY).tls(),
            "the flag wins over the variable");
    }

    @Test
    void tlsSettingsThatCannotWorkAreNamed() {
        assertTrue(problem(new String[] {"--ca", "ca.pem"}, Map.of(), null).contains("--tls"));
        assertTrue(problem(NO_ARGS, Map.of("CHAT_TLS", "yes"), null).contains("CHAT_TLS"));
        assertTrue(problem(NO_ARGS, Map.of(), "tls=on\n").contains("tls"));
    }
}
