package chat.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingValuesTest {
    /** A service's settings, as a service declares them. */
    static final class Demo {
        static final SettingList ALL = new SettingList();
        static final SettingSpec PORT = ALL.option("--port", "DEMO_PORT", "7001", "a port");
        static final SettingSpec NAME = ALL.option("--name", "DEMO_NAME", null, "a name");
        static final SettingSpec URL = ALL.option("--url", "DEMO_URL", "http://127.0.0.1:7100/", "a URL");
        static final SettingSpec SECRET_FILE = ALL.option("--secret-file", "DEMO_SECRET_FILE", null,
            "a file holding a secret");
        static final SettingSpec SECRET = ALL.option("--secret", "DEMO_SECRET", null, "a secret");
        static final SettingSpec SWITCH = ALL.onOff("--switch", "DEMO_SWITCH", "a switch");

        private Demo() {}
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() throws Exception {
        SettingValues values = SettingValues.parse(Demo.ALL, new String[] {"--port=7005"},
            Map.of("DEMO_PORT", "7009", "DEMO_NAME", " east "));
        assertEquals(7005, values.integer(Demo.PORT));
        assertEquals("east", values.text(Demo.NAME));
        assertEquals(URI.create("http://127.0.0.1:7100"), values.url(Demo.URL), "without its trailing slash");
        assertTrue(values.isGiven(Demo.NAME));
        assertFalse(values.isGiven(Demo.URL));
        assertNull(SettingValues.parse(Demo.ALL, new String[0], Map.of()).text(Demo.NAME));
        assertEquals(Duration.ofMillis(7001), SettingValues.parse(Demo.ALL, new String[0], Map.of()).millis(Demo.PORT));
    }

    @Test
    void badInputIsExplained() throws Exception {
        assertTrue(assertThrows(UsageException.class, () -> SettingValues.parse(Demo.ALL, new String[] {"--colour", "red"},
            Map.of())).getMessage().contains("unknown option --colour"));
        assertTrue(assertThrows(UsageException.class, () -> SettingValues.parse(Demo.ALL, new String[] {"--port"},
            Map.of())).getMessage().contains("needs a value"));
        SettingValues values = SettingValues.parse(Demo.ALL, new String[] {"--port", "seven", "--url", "nowhere"}, Map.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> values.integer(Demo.PORT)).getMessage().contains("--port (DEMO_PORT)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> values.url(Demo.URL)).getMessage().contains("a URL"));
    }

    @Test
    void usageListsEverySettingWithItsVariableAndDefault() {
        String usage = SettingValues.usage(Demo.ALL, "intro\n");
        assertTrue(usage.startsWith("intro\n"));
        assertTrue(usage.contains("--port VALUE") && usage.contains("DEMO_PORT") && usage.contains("[7001]"), usage);
        assertTrue(usage.contains("--help"));
    }

    @Test
    void aSecretComesFromItsFileOrItsVariableAndNeverShows(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123\n");
        Secret fromFile = SettingValues.parse(Demo.ALL, new String[] {"--secret-file", file.toString()}, Map.of())
            .secret(Demo.SECRET_FILE, Demo.SECRET);
        assertEquals("0123456789abcdef0123", fromFile.reveal(), "without the file's last newline");
        assertTrue(fromFile.matches("0123456789abcdef0123"));
        assertFalse(fromFile.matches("0123456789abcdef0123 "));
        assertFalse(fromFile.matches(null));
        assertEquals("[secret]", fromFile.toString());
        Secret fromVariable = SettingValues.parse(Demo.ALL, new String[0], Map.of("DEMO_SECRET", "fedcba9876543210"))
            .secret(Demo.SECRET_FILE, Demo.SECRET);
        assertTrue(fromVariable.matches("fedcba9876543210"));
        assertNull(SettingValues.parse(Demo.ALL, new String[0], Map.of()).secret(Demo.SECRET_FILE, Demo.SECRET));
    }

    @Test
    void aSecretThatCannotBeUsedIsRefusedWithoutShowingIt(@TempDir Path dir) throws Exception {
        Path shortOne = Files.writeString(dir.resolve("short"), "tooShort\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> SettingValues.parse(
            Demo.ALL, new String[] {"--secret-file", shortOne.toString()}, Map.of()).secret(Demo.SECRET_FILE, Demo.SECRET));
        assertFalse(refused.getMessage().contains("tooShort"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SettingValues.parse(Demo.ALL,
            new String[] {"--secret-file", dir.resolve("missing").toString()}, Map.of()).secret(Demo.SECRET_FILE, Demo.SECRET));
        assertThrows(IllegalArgumentException.class, () -> SettingValues.parse(Demo.ALL,
            new String[] {"--secret-file", shortOne.toString()}, Map.of("DEMO_SECRET", "fedcba9876543210"))
            .secret(Demo.SECRET_FILE, Demo.SECRET), "a file and a value: which one was meant?");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(IllegalArgumentException.class, () -> SettingValues.parse(Demo.ALL,
            new String[] {"--secret-file", empty.toString()}, Map.of()).secret(Demo.SECRET_FILE, Demo.SECRET));
    }

    @Test
    void usagePrintsEachSettingOnOneLineInTheOrderOfItsEnum() {
        String usage = SettingValues.usage(Demo.ALL, "");
        assertEquals(String.format("  %-30s %-36s %s%n", "--port VALUE", "DEMO_PORT", "a port [7001]"),
            usage.lines().findFirst().orElseThrow() + System.lineSeparator());
        assertTrue(usage.contains(String.format("  %-30s %-36s %s%n", "--switch", "DEMO_SWITCH", "a switch [false]")),
            "a switch takes no VALUE and is off unless given: " + usage);
        assertTrue(usage.contains(String.format("  %-30s %-36s %s%n", "--name VALUE", "DEMO_NAME", "a name")),
            "a setting without a default shows none: " + usage);
    }

    @Test
    void aSpecWithoutItsDashesOrVariableIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SettingList().option("port", "DEMO_PORT", null, "a port"));
        assertThrows(NullPointerException.class, () -> new SettingList().option("--port", null, null, "a port"));
    }

    @Test
    void aSwitchAloneMeansTrueAndTakesNoValueButThroughEquals() throws Exception {
        SettingValues on = SettingValues.parse(Demo.ALL, new String[] {"--switch", "--name", "x"}, Map.of());
        assertTrue(on.bool(Demo.SWITCH));
        assertEquals("x", on.text(Demo.NAME));
        assertFalse(SettingValues.parse(Demo.ALL, new String[] {"--switch=false"}, Map.of("DEMO_SWITCH", "true"))
            .bool(Demo.SWITCH));
        assertTrue(SettingValues.parse(Demo.ALL, new String[0], Map.of("DEMO_SWITCH", "true")).bool(Demo.SWITCH));
        assertFalse(SettingValues.parse(Demo.ALL, new String[0], Map.of()).bool(Demo.SWITCH));
        assertThrows(IllegalArgumentException.class,
            () -> SettingValues.parse(Demo.ALL, new String[0], Map.of("DEMO_SWITCH", "yes")).bool(Demo.SWITCH));
    }

    @Test
    void aFlagOrVariableDeclaredTwiceIsRefused() {
        SettingList settings = new SettingList();
        settings.option("--port", "DEMO_PORT", "7001", "a port");
        assertThrows(IllegalStateException.class, () -> settings.option("--port", "OTHER_PORT", null, "again"));
        assertThrows(IllegalStateException.class, () -> settings.onOff("--other", "DEMO_PORT", "the variable again"));
        assertEquals(List.of("--port"), settings.all().stream().map(SettingSpec::flag).toList());
    }
}
