package chat.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingValuesTest {
    enum Demo implements Setting {
        PORT("--port", "DEMO_PORT", "7001", "a port"),
        NAME("--name", "DEMO_NAME", null, "a name"),
        URL("--url", "DEMO_URL", "http://127.0.0.1:7100/", "a URL");

        private final String flag;
        private final String env;
        private final String defaultValue;
        private final String doc;

        Demo(String flag, String env, String defaultValue, String doc) {
            this.flag = flag;
            this.env = env;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        @Override public String flag() { return flag; }
        @Override public String env() { return env; }
        @Override public String defaultValue() { return defaultValue; }
        @Override public String doc() { return doc; }
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() throws Exception {
        SettingValues<Demo> values = SettingValues.parse(Demo.class, new String[] {"--port=7005"},
            Map.of("DEMO_PORT", "7009", "DEMO_NAME", " east "));
        assertEquals(7005, values.integer(Demo.PORT));
        assertEquals("east", values.text(Demo.NAME));
        assertEquals(URI.create("http://127.0.0.1:7100"), values.url(Demo.URL), "without its trailing slash");
        assertTrue(values.isGiven(Demo.NAME));
        assertFalse(values.isGiven(Demo.URL));
        assertNull(SettingValues.parse(Demo.class, new String[0], Map.of()).text(Demo.NAME));
        assertEquals(Duration.ofMillis(7001), SettingValues.parse(Demo.class, new String[0], Map.of()).millis(Demo.PORT));
    }

    @Test
    void badInputIsExplained() throws Exception {
        assertTrue(assertThrows(UsageException.class, () -> SettingValues.parse(Demo.class, new String[] {"--colour", "red"},
            Map.of())).getMessage().contains("unknown option --colour"));
        assertTrue(assertThrows(UsageException.class, () -> SettingValues.parse(Demo.class, new String[] {"--port"},
            Map.of())).getMessage().contains("needs a value"));
        SettingValues<Demo> values = SettingValues.parse(Demo.class, new String[] {"--port", "seven", "--url", "nowhere"}, Map.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> values.integer(Demo.PORT)).getMessage().contains("--port (DEMO_PORT)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> values.url(Demo.URL)).getMessage().contains("a URL"));
    }

    @Test
    void usageListsEverySettingWithItsVariableAndDefault() {
        String usage = SettingValues.usage(Demo.class, "intro\n");
        assertTrue(usage.startsWith("intro\n"));
        assertTrue(usage.contains("--port VALUE") && usage.contains("DEMO_PORT") && usage.contains("[7001]"), usage);
        assertTrue(usage.contains("--help"));
    }
}
