package chat.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.bench.StartedProcesses;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos run ({@code ops/chat chaos --short}): 100 clients signed in and talking on a three-broker cluster
 * through a gateway's death, a gateway's freeze, a partition leader's death, the history service's death during a
 * burst of joins, 2,000 hostile frames to a gateway and a restart of everything, and every client was shown every
 * message, once, in order. Its figures
 * are printed; speed is not asserted here.
 */
class ChaosIT {
    @Test
    void nothingIsLostDoubledOrShownOutOfOrderThroughEveryFault(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
        throws Exception {
        ChaosReport report;
        try (StartedProcesses started = new StartedProcesses()) {
            report = ChaosRun.run(ChaosSettings.quick(1), dir, started, System.out);
        }
        report.print(System.out);
        assertEquals(List.of(), report.problems());
        assertEquals(List.of(0, 0, 0, 0), List.of(report.saidNotStored(), report.storedNotShown(), report.doubled(),
            report.outOfOrder()), "lost (said, shown), doubled, out of order; examples: " + report.examples());
        assertEquals(6, report.faults().size(), "every fault was injected, the hostile bytes included");
        assertTrue(report.faults().stream().allMatch(f -> f.deliveries() > 0), "messages went through every fault");
        assertTrue(report.fuzz().passed(),
            "every hostile frame was answered as documented, and the gateway's heap stayed bounded");
    }
}
