package chat.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.bench.StartedProcesses;
import chat.testkit.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz of {@code ops/chat chaos fuzz}, small enough for every build: 10,000 hostile frames from 50 connections at
 * a gateway process of its own (-Xmx256m, default limits, no history service), each answered as PROTOCOL.md says,
 * while a well-behaved pair of clients on the same gateway talk without losing a message; the gateway is up at the
 * end and its heap within the bound.
 */
class FuzzIT {
    /** Fixed, so that a failure here is found again by {@code ops/chat chaos fuzz --seed 11 --frames 10000 --connections 50}. */
    private static final long SEED = 11;

    @Test
    void aGatewayAnswersTenThousandHostileFramesAsDocumentedAndStaysUp(@TempDir Path dir) throws Exception {
        try (StartedProcesses started = new StartedProcesses()) {
            FuzzTarget target = FuzzGateway.start(TestKafka.bootstrapServers(), "fuzz-it-" + UUID.randomUUID(), false,
                started, dir);
            FuzzSettings settings = FuzzSettings.defaults().withFrames(10_000, 50).withSeed(SEED);
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            FuzzReport report = Fuzzer.run(settings, target, new PrintStream(progress, true, StandardCharsets.UTF_8));
            report.print(System.out);
            assertEquals(10_000, report.frames(), "frames sent");
            assertEquals(0, report.failureCount(), "answers other than the documented ones; see the report above");
            assertTrue(report.calm().whole(), "the calm room lost, doubled or reordered a message: " + report.calm());
            assertTrue(report.heap().withinBound(), "the gateway's heap grew past its bound: " + report.heap());
            assertTrue(report.gatewayUp(), "the gateway is not up: " + report.gatewayHealth());
            assertTrue(report.passed());
        }
    }
}
