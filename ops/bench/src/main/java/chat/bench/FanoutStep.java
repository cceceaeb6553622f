package chat.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One step of the fan-out bench: one system at one rate. A pacer thread sends message {@code k} at {@code k / rate}
 * seconds from the start, as sender {@code k % senders}, its counter {@code k / senders}, for the warm-up and the
 * measured time; the senders share the rate evenly, each sending {@code rate / senders} a second. Deliveries and the
 * servers' CPU time are read as the measured time starts and ends; then the step waits, up to {@link #DRAIN_SECONDS},
 * for every expected delivery, and counts what is still missing as lost. Not thread-safe: one bench thread runs it.
 */
final class FanoutStep {
    static final long DRAIN_SECONDS = 10;
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Latencies in milliseconds of the measured messages' deliveries; NaN when there were none. */
    record Latency(long count, double p50, double p99, double p999, double max) {}

    /**
     * @param sent               messages sent in the whole step
     * @param offeredPerSecond   deliveries a second the rate asks for
     * @param deliveredPerSecond deliveries a second received in the measured time, whichever message they were of
     * @param lost               deliveries of the step's messages that never came, after the drain
     * @param doubled            deliveries of a message the receiver had already
     * @param cpuMicros          CPU microseconds per delivery in the measured time, by role; NaN when unknown
     * @param serverCores        the first role's CPU seconds per second in the measured time
     * @param clientMicros       the bench's own CPU microseconds per delivery (all its systems' members), NaN if unknown
     * @param incidents          errors and lost connections during the step
     * @param load               the 1-minute load average at the end of the measured time
     */
    record Result(String system, int rate, long sent, double offeredPerSecond, double deliveredPerSecond,
                  Latency latency, long lost, long doubled, Map<String, Double> cpuMicros, double serverCores,
                  double clientMicros, long incidents, double load) {}

    private record Snapshot(long nanos, long deliveries, Map<String, Long> ticks, long ownTicks) {}

    private final FanoutPeer peer;
    private final int index;
    private final int rate;
    private final int senders;
    private final long warmupNanos;
    private final long measuredNanos;
    private final long ticksPerSecond;

    FanoutStep(FanoutPeer peer, int index, int rate, FanoutSettings settings, long ticksPerSecond) {
        this.peer = peer;
        this.index = index;
        this.rate = rate;
        this.senders = settings.senders();
        this.warmupNanos = settings.warmup().toNanos();
        this.measuredNanos = settings.duration().toNanos();
        this.ticksPerSecond = ticksPerSecond;
    }

    Result run() throws InterruptedException {
        long incidentsBefore = peer.incidents().count();
        long start = System.nanoTime() + START_DELAY_NANOS;
        long measuredFrom = start + warmupNanos;
        long end = measuredFrom + measuredNanos;
        BitSet sent = new BitSet();
        Thread pacer = Thread.ofPlatform().name("pacer").start(() -> pace(start, measuredFrom, end, sent));
        parkUntil(measuredFrom);
        Snapshot first = snapshot();
        parkUntil(end);
        Snapshot last = snapshot();
        double load = ProcFs.loadAverage();
        pacer.join();

        long[] expected = expectedPerReceiver(sent);
        awaitDeliveries(Arrays.stream(expected).sum());
        long lost = 0;
        long doubled = 0;
        List<Receipts> receivers = peer.receivers();
        for (int i = 0; i < receivers.size(); i++) {
            BitSet missing = expectedOf(i, sent);
            missing.andNot(receivers.get(i).seen(index));
            lost += missing.cardinality();
            doubled += receivers.get(i).doubled(index);
        }
        Latency latency = latency();
        receivers.forEach(r -> r.forget(index));

        double seconds = (last.nanos() - first.nanos()) / 1e9;
        long deliveries = last.deliveries() - first.deliveries();
        Map<String, Double> cpu = new LinkedHashMap<>();
        double serverCores = Double.NaN;
        for (String role : last.ticks().keySet()) {
            long before = first.ticks().get(role);
            long after = last.ticks().get(role);
            double cpuSeconds = before < 0 || after < 0 ? Double.NaN : (after - before) / (double) ticksPerSecond;
            cpu.put(role, deliveries == 0 ? Double.NaN : cpuSeconds * 1e6 / deliveries);
            if (Double.isNaN(serverCores)) {
                serverCores = cpuSeconds / seconds;
            }
        }
        double clientMicros = first.ownTicks() < 0 || last.ownTicks() < 0 || deliveries == 0 ? Double.NaN
            : (last.ownTicks() - first.ownTicks()) * 1e6 / ticksPerSecond / deliveries;
        int perMessage = receivers.size() - (peer.echoesToSender() ? 0 : 1);
        return new Result(peer.name(), rate, sent.cardinality(), (double) rate * perMessage, deliveries / seconds,
            latency, lost, doubled, cpu, serverCores, clientMicros, peer.incidents().count() - incidentsBefore, load);
    }

    /** Sends the step's messages on time; {@code sent} gets the number of each one sent. */
    private void pace(long start, long measuredFrom, long end, BitSet sent) {
        for (int k = 0; ; k++) {
            long due = start + (long) (k * 1e9 / rate);
            if (due >= end) {
                return;
            }
            parkUntil(due);
            int sender = k % senders;
            long now = System.nanoTime();
            byte[] payload = Payload.encode(index, sender, k / senders, due >= measuredFrom, now);
            try {
                peer.send(sender, payload);
                sent.set(k);
            } catch (IOException | RuntimeException e) {
                peer.incidents().error("sender " + sender + " could not send: " + e);
            }
        }
    }

    /** The messages receiver {@code i} should get: every one sent, but its own where the system sends it none. */
    private BitSet expectedOf(int receiver, BitSet sent) {
        BitSet expected = (BitSet) sent.clone();
        if (!peer.echoesToSender() && receiver < senders) {
            for (int k = receiver; k < expected.length(); k += senders) {
                expected.clear(k);
            }
        }
        return expected;
    }

    private long[] expectedPerReceiver(BitSet sent) {
        long[] expected = new long[peer.receivers().size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = expectedOf(i, sent).cardinality();
        }
        return expected;
    }

    /** Waits until the receivers hold {@code expected} distinct deliveries of this step, or the drain time is over. */
    private void awaitDeliveries(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        while (System.nanoTime() < deadline) {
            long distinct = 0;
            for (Receipts r : peer.receivers()) {
                distinct += r.distinct(index);
            }
            if (distinct >= expected) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private Latency latency() {
        int total = 0;
        for (Receipts r : peer.receivers()) {
            total += r.measured(index);
        }
        int[] micros = new int[total];
        int at = 0;
        for (Receipts r : peer.receivers()) {
            at = r.copyLatencies(index, micros, at);
        }
        if (at == 0) {
            return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        int[] sorted = Arrays.copyOf(micros, at);
        Arrays.sort(sorted);
        return new Latency(at, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 99.9),
            sorted[at - 1] / 1e3);
    }

    private static double percentile(int[] sortedMicros, double p) {
        int i = (int) Math.ceil(p / 100 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(i, sortedMicros.length - 1))] / 1e3;
    }

    private Snapshot snapshot() {
        long nanos = System.nanoTime();
        long deliveries = 0;
        for (Receipts r : peer.receivers()) {
            deliveries += r.deliveries();
        }
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> role : peer.serverProcesses().entrySet()) {
            long sum = 0;
            for (long pid : role.getValue()) {
                long t = pid < 0 ? -1 : ProcFs.cpuTicks(pid);
                sum = sum < 0 || t < 0 ? -1 : sum + t;
            }
            ticks.put(role.getKey(), sum);
        }
        return new Snapshot(nanos, deliveries, ticks, ProcFs.cpuTicks(ProcessHandle.current().pid()));
    }

    private static void parkUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
