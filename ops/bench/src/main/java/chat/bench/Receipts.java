package chat.bench;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What one receiver got, step by step: a bit per message (message {@code counter * senders + sender} of the step), the
 * deliveries of a message it had already, and the latencies of the messages sent after the step's warm-up. Thread-safe:
 * its receiver records while the bench reads; the lock is the receiver's own, so it is uncontended but for the moments
 * the bench reads.
 */
final class Receipts {
    private final int senders;
    private final Step[] steps;
    private long deliveries;
    private long strays;

    Receipts(int senders, int steps) {
        this.senders = senders;
        this.steps = new Step[steps];
    }

    private static final class Step {
        final BitSet seen = new BitSet();
        int distinct;
        int doubled;
        int[] latencyMicros = new int[256];
        int measured;
    }

    synchronized void record(int step, int sender, int counter, boolean measured, long latencyNanos) {
        deliveries++;
        if (step < 0 || step >= steps.length || sender >= senders) {
            strays++;
            return;
        }
        Step s = steps[step];
        if (s == null) {
            s = steps[step] = new Step();
        }
        int message = counter * senders + sender;
        if (s.seen.get(message)) {
            s.doubled++;
            return;
        }
        s.seen.set(message);
        s.distinct++;
        if (measured) {
            if (s.measured == s.latencyMicros.length) {
                s.latencyMicros = Arrays.copyOf(s.latencyMicros, s.measured * 2);
            }
            s.latencyMicros[s.measured++] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, latencyNanos / 1_000));
        }
    }

    /** Every delivery so far, of every step, doubles included. */
    synchronized long deliveries() {
        return deliveries;
    }

    /** Deliveries that named no step or sender of this run. */
    synchronized long strays() {
        return strays;
    }

    synchronized int distinct(int step) {
        return steps[step] == null ? 0 : steps[step].distinct;
    }

    synchronized int doubled(int step) {
        return steps[step] == null ? 0 : steps[step].doubled;
    }

    /** The step's messages, as bits, that this receiver got. */
    synchronized BitSet seen(int step) {
        return steps[step] == null ? new BitSet() : (BitSet) steps[step].seen.clone();
    }

    /** Adds the latencies, in microseconds, of the step's measured messages to {@code into}; answers its new size. */
    synchronized int copyLatencies(int step, int[] into, int at) {
        Step s = steps[step];
        if (s == null) {
            return at;
        }
        System.arraycopy(s.latencyMicros, 0, into, at, s.measured);
        return at + s.measured;
    }

    synchronized int measured(int step) {
        return steps[step] == null ? 0 : steps[step].measured;
    }

    /** Forgets a step once it is reported, so that a long run does not keep every latency of every step. */
    synchronized void forget(int step) {
        steps[step] = null;
    }
}
