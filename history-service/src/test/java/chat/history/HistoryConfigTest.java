package chat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.settings.SettingSpec;
import chat.settings.UsageException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryConfigTest {

    @Test
    void defaultsServeTheLocalStack() throws Exception {
        HistoryConfig config = HistoryConfig.parse(new String[0], Map.of());
        assertEquals("127.0.0.1:19092", config.kafkaBootstrapServers());
        assertEquals("chat.events", config.topic());
        assertEquals("chat-history", config.group());
        assertEquals("jdbc:sqlite:data/history.db", config.dbUrl());
        assertEquals("127.0.0.1", config.host());
        assertEquals(7100, config.port());
        assertEquals(8100, config.adminPort());
        assertEquals("127.0.0.1", config.adminHost());
    }

    @Test
    void theAdminPortFollowsThePortUnlessSet() throws Exception {
        assertEquals(8200, HistoryConfig.parse(new String[] {"--port", "7200"}, Map.of()).adminPort());
        assertEquals(0, HistoryConfig.parse(new String[] {"--port", "0"}, Map.of()).adminPort());
        assertEquals(9100, HistoryConfig.parse(new String[0], Map.of("HISTORY_ADMIN_PORT", "9100")).adminPort());
        assertThrows(UsageException.class, () -> HistoryConfig.parse(new String[] {"--admin-port", "7100"}, Map.of()));
    }

    @Test
    void postgresComesFromTheEnvironmentAndItsPasswordIsNeverShown() throws Exception {
        HistoryConfig config = HistoryConfig.parse(new String[0], Map.of(
            "HISTORY_DB_URL", "jdbc:postgresql://db:5432/chat?password=hunter2", "HISTORY_DB_PASSWORD", "hunter2"));
        assertEquals("hunter2", config.dbPassword());
        assertFalse(config.toString().contains("hunter2"), config.toString());
    }

    @Test
    void badInputIsExplained() {
        assertTrue(assertThrows(UsageException.class, () -> HistoryConfig.parse(new String[] {"--db-url", "jdbc:mysql://x"},
            Map.of())).getMessage().contains("jdbc:sqlite: or jdbc:postgresql:"));
        assertTrue(assertThrows(UsageException.class, () -> HistoryConfig.parse(new String[] {"--port", "x"},
            Map.of())).getMessage().contains("--port"));
        assertThrows(UsageException.class, () -> HistoryConfig.parse(new String[] {"--batch", "0"}, Map.of()));
    }

    @Test
    void usageNamesEveryFlagAndVariable() {
        String usage = HistoryConfig.usage();
        for (SettingSpec s : HistoryConfig.Setting.ALL.all()) {
            assertTrue(usage.contains(s.flag()) && usage.contains(s.env()), s.flag());
        }
    }

    @Test
    void aQueryApiBeyondLoopbackNeedsASecret() throws Exception {
        assertNull(HistoryConfig.parse(new String[0], Map.of()).apiSecret(), "a local stack may go without");
        assertNull(HistoryConfig.parse(new String[] {"--host", "::1"}, Map.of()).apiSecret());
        UsageException open = assertThrows(UsageException.class,
            () -> HistoryConfig.parse(new String[] {"--host", "0.0.0.0"}, Map.of()));
        assertTrue(open.getMessage().contains("--api-secret-file"), open.getMessage());
        HistoryConfig withSecret = HistoryConfig.parse(new String[] {"--host", "0.0.0.0"},
            Map.of("HISTORY_API_SECRET", "a-secret-of-20-bytes"));
        assertTrue(withSecret.apiSecret().matches("a-secret-of-20-bytes"));
        assertFalse(withSecret.toString().contains("a-secret-of-20-bytes"), withSecret.toString());
        assertThrows(UsageException.class, () -> HistoryConfig.parse(new String[] {"--host", "0.0.0.0"},
            Map.of("HISTORY_API_SECRET", "short")));
    }
}
