package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestGatewayTest {
    private static final TestGateway GW1 = TestGateway.on("127.0.0.1:9092", "gw1", "t1");

    @Test
    void theCommonFlagsComeFirstAndTheTestsOwnAfterThem() {
        assertEquals(List.of("--kafka", "127.0.0.1:9092", "--id", "gw1", "--port", "0", "--topic", "t1", "--partitions",
            "3", "--presence-topic", "t1-presence", "--history-url", TestGateway.NO_HISTORY, "--port", "7005",
            "--rate", "1000000", "--burst", "1000000"),
            GW1.with("--port", "7005").with(TestGateway.UNLIMITED_RATE).args());
    }

    @Test
    void aDescriptionIsNeverChangedByWhatIsMadeFromIt() {
        TestGateway withHistory = GW1.history("http://127.0.0.1:7100").with("--guests", "false");
        assertEquals("http://127.0.0.1:7100", withHistory.historyUrl());
        assertEquals(TestGateway.NO_HISTORY, GW1.historyUrl());
        assertEquals(List.of(), GW1.moreArgs());
        assertThrows(UnsupportedOperationException.class, () -> withHistory.moreArgs().add("--x"));
    }

    @Test
    void theStarterIsGivenTheWholeCommandLineAndAFailureNamesTheGateway() {
        List<String> given = new ArrayList<>();
        Object started = new Object();
        assertSame(started, GW1.start(args -> {
            given.addAll(List.of(args));
            return started;
        }));
        assertEquals(GW1.args(), given);
        IOException refused = new IOException("address in use");
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> GW1.start(args -> {
            throw refused;
        }));
        assertEquals("gateway gw1 did not start", failed.getMessage());
        assertSame(refused, failed.getCause());
    }

    @Test
    void everyFreshTopicIsNew() {
        assertNotEquals(TestGateway.freshTopic(), TestGateway.freshTopic());
    }
}
