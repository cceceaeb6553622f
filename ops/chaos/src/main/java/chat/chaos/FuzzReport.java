package chat.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a fuzz run found: the frames sent and how each kind was answered, the failures (by problem, with examples that
 * say how to replay them), the well-behaved room, the gateway's heap, and whether the gateway was up and healthy at
 * the end. It passed when no answer fell short, the room heard everything, the heap stayed within its bound and the
 * gateway was up. Immutable.
 */
public record FuzzReport(FuzzSettings settings, Duration took, long frames, long lines, long bytes, long reconnects,
                         long unasked, Map<FuzzKind, Map<String, Long>> answers,
                         Map<FuzzFailure.Problem, Long> failures, List<FuzzFailure> examples, FuzzCalmRoom.Result calm,
                         FuzzHeap heap, boolean gatewayUp, String gatewayHealth) {
    public FuzzReport {
        answers = Map.copyOf(answers);
        failures = Map.copyOf(failures);
        examples = List.copyOf(examples);
    }

    public long failureCount() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean passed() {
        return failureCount() == 0 && frames == settings.frames() && calm.whole() && heap.withinBound() && gatewayUp;
    }

    public void print(PrintStream out) {
        out.printf("%nfuzz: %,d frames (%,d lines, %,.1f MiB) from %d connections in %.1f s, seed %d, each connection"
                + " paced at %.0f lines a second (the gateway's default limit: 20, bursts of 40)%n",
            frames, lines, bytes / 1048576.0, settings.connections(), took.toMillis() / 1000.0, settings.seed(),
            settings.framesPerSecond());
        out.printf("  %,d reconnects (after each documented close); %,d frames the gateway sent on its own between"
            + " answers%n%n", reconnects, unasked);
        out.printf("  %-16s %8s  %s%n", "kind", "frames", "answers");
        for (FuzzKind kind : FuzzKind.values()) {
            Map<String, Long> byAnswer = answers.getOrDefault(kind, Map.of());
            long total = byAnswer.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder line = new StringBuilder();
            byAnswer.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(line.isEmpty() ? "" : "; ").append(e.getKey()).append(' ')
                    .append(String.format("%,d", e.getValue())));
            out.printf("  %-16s %,8d  %s%n", kind.name().toLowerCase(), total, line);
        }
        out.printf("%n  failures: %,d%n", failureCount());
        failures.forEach((problem, count) -> out.printf("    %-20s %,8d  %s%n", problem.name().toLowerCase(), count,
            problem.description()));
        for (FuzzFailure f : examples) {
            out.printf("    - %s, %s (%s): %s%n      sent:     %s%n      expected: %s%n      got:      %s%n",
                f.kind() == null ? "opening" : f.kind().name().toLowerCase(), f.problem().name().toLowerCase(),
                f.replay(), f.what(), f.sent(), f.expected(), f.got());
        }
        out.printf("%n  the calm room: %,d messages said, %,d acked, %,d heard by the listener (lost %d, doubled %d,"
                + " out of order %d)%s%n", calm.said(), calm.acked(), calm.heard(), calm.lost(), calm.doubled(),
            calm.outOfOrder(), calm.whole() ? ": every one, once, in order" : "");
        calm.problems().forEach(p -> out.printf("    - %s%n", p));
        out.printf("  the gateway's heap (-Xmx %s): %s after a full collection before the run, %s at most during it,"
                + " %s after a full collection after it; bound: %s + %s -> %s%n",
            FuzzHeap.mib(heap.maxBytes()), FuzzHeap.mib(heap.beforeBytes()), FuzzHeap.mib(heap.peakBytes()),
            FuzzHeap.mib(heap.afterBytes()), FuzzHeap.mib(heap.beforeBytes()), FuzzHeap.mib(heap.allowedGrowthBytes()),
            heap.withinBound() ? "within" : "EXCEEDED");
        out.printf("  the gateway at the end: %s%n", gatewayUp ? "up, " + gatewayHealth : "NOT UP: " + gatewayHealth);
        out.printf("%nfuzz %s%n", passed() ? "passed" : "FAILED");
    }
}
