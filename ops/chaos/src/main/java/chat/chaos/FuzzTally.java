package chat.chaos;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every fuzz connection counted: the answers per kind of case, the failures with the first examples of each sort,
 * and the traffic. Thread-safe: every connection's thread adds to it.
 */
final class FuzzTally {
    /** Examples kept: the first of each kind and problem, up to this many. */
    static final int EXAMPLES = 25;

    private final Map<FuzzKind, Map<String, LongAdder>> answers = new ConcurrentHashMap<>();
    private final Map<FuzzFailure.Problem, LongAdder> failures = new ConcurrentHashMap<>();
    private final List<FuzzFailure> examples = new ArrayList<>();
    private final Set<String> exampled = new HashSet<>();
    private final LongAdder frames = new LongAdder();
    private final LongAdder lines = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder unasked = new LongAdder();

    void sent(FuzzCase c) {
        frames.increment();
        lines.add(c.lines());
        bytes.add(c.bytes().length);
    }

    void answered(FuzzKind kind, String answer) {
        answers.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(answer, a -> new LongAdder())
            .increment();
    }

    void unasked() {
        unasked.increment();
    }

    void reconnected() {
        reconnects.increment();
    }

    void failed(FuzzFailure failure) {
        failures.computeIfAbsent(failure.problem(), p -> new LongAdder()).increment();
        synchronized (examples) {
            if (examples.size() < EXAMPLES && exampled.add(failure.kind() + " " + failure.problem())) {
                examples.add(failure);
            }
        }
    }

    long frames() {
        return frames.sum();
    }

    long lines() {
        return lines.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    long reconnects() {
        return reconnects.sum();
    }

    long unaskedFrames() {
        return unasked.sum();
    }

    long failures() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** The answers per kind, each answer's count, in the kinds' order and the answers' alphabetical order. */
    Map<FuzzKind, Map<String, Long>> answers() {
        Map<FuzzKind, Map<String, Long>> out = new EnumMap<>(FuzzKind.class);
        answers.forEach((kind, counts) -> {
            Map<String, Long> sorted = new TreeMap<>();
            counts.forEach((answer, count) -> sorted.put(answer, count.sum()));
            out.put(kind, sorted);
        });
        return out;
    }

    Map<FuzzFailure.Problem, Long> failuresByProblem() {
        Map<FuzzFailure.Problem, Long> out = new EnumMap<>(FuzzFailure.Problem.class);
        failures.forEach((problem, count) -> out.put(problem, count.sum()));
        return out;
    }

    List<FuzzFailure> examples() {
        synchronized (examples) {
            return List.copyOf(examples);
        }
    }
}
