package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storm of {@code ops/chat bench storm}, small enough for every build: the 300 sessions of a gateway process that
 * gets SIGKILL all resume on the two others, each back with its room within 10 s, having missed no message acked
 * meanwhile and shown none out of order; the rooms' other members never see them leave or come back.
 */
class ReconnectStormIT {
    @Test
    void everySessionOfAKilledGatewayIsBackWithinTenSecondsWithNothingLost(@TempDir Path dir) throws Exception {
        try (StartedProcesses started = new StartedProcesses()) {
            ReconnectStorm.Report storm = ReconnectStorm.run(
                new ReconnectStorm.Settings(300, 10, 2, Duration.ofSeconds(2), Duration.ofSeconds(2)),
                TestKafka.bootstrapServers(), started, dir);
            assertTrue(storm.sent() > 0, "the senders talked through the storm");
            assertEquals(0, storm.lost(), "acked messages some session never showed");
            assertEquals(0, storm.outOfOrder(), "messages shown out of order");
            assertEquals(0, storm.joinsAndLeavesSeen(), "the rooms' other members saw sessions leave or join: rooms were not kept");
            double p99 = Percentiles.millis(storm.backNanos(), 99);
            assertTrue(p99 < 10_000, "p99 of the time back was " + p99 + " ms");
        }
    }
}
