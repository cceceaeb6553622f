package chat.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a running gateway hostile bytes from many connections at once and judges every answer against PROTOCOL.md,
 * while a well-behaved pair of clients talks in a room of their own on the same gateway ({@link FuzzCalmRoom}); then
 * checks that the gateway is still up, and that its heap after a full collection is within a bound of what it was
 * before. The frames follow from the seed: the same seed sends the same frames, so a failure found once is found
 * again. See {@link FuzzCases} for what is sent, and {@link FuzzConnection} for how each connection goes.
 */
public final class Fuzzer {
    private static final Duration CALM_PATIENCE = Duration.ofSeconds(15);
    /** How long the fuzz connections may take to be gone from the gateway's count once they closed. */
    private static final Duration CLOSING = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private Fuzzer() {}

    /**
     * Fuzzes the gateway {@code target} as {@code settings} say, printing progress to {@code progress}. The gateway's
     * rate limit is taken to be at least the default (20 frames a second): each connection stays under it.
     */
    public static FuzzReport run(FuzzSettings settings, FuzzTarget target, PrintStream progress)
        throws IOException, InterruptedException {
        FuzzAdmin admin = new FuzzAdmin(target);
        FuzzAdmin.Health atStart = admin.health();
        if (!atStart.up()) {
            throw new IOException("the gateway is not up before the fuzz: " + atStart.status() + " " + atStart.body());
        }
        int connectionsBefore = atStart.connections();
        long maxHeap = admin.heapMax();
        long heapBefore = admin.heapUsedAfterFullCollection();
        // Names of this run's own, apart from any other run's on the same cluster.
        String tag = Long.toString(System.nanoTime() % 46_656 + 46_656, 36).substring(1);

        long begun = System.nanoTime();
        FuzzTally tally = new FuzzTally();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong peakHeap = new AtomicLong(heapBefore);
        FuzzCalmRoom calm = FuzzCalmRoom.open(target, tag);
        FuzzCalmRoom.Result heard;
        Thread watch = Thread.ofVirtual().name("fuzz-watch").start(() -> watch(admin, tally, settings, peakHeap, stop,
            begun, progress));
        try {
            calm.startSpeaking(settings.calmInterval());
            List<Thread> connections = new ArrayList<>();
            for (int n = 0; n < settings.connections(); n++) {
                int quota = settings.frames() / settings.connections() + (n < settings.frames() % settings.connections() ? 1 : 0);
                connections.add(Thread.ofVirtual().name("fuzz-" + n)
                    .start(new FuzzConnection(n, quota, settings, target, tag, tally, stop)));
            }
            for (Thread connection : connections) {
                connection.join();
            }
            heard = calm.finish(CALM_PATIENCE);
        } finally {
            watch.interrupt();
            calm.close();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begun);

        awaitConnectionsGone(admin, connectionsBefore);
        FuzzAdmin.Health atEnd = admin.health();
        boolean up = admin.alive() && atEnd.up();
        long heapAfter = up ? admin.heapUsedAfterFullCollection() : -1;
        FuzzHeap heap = new FuzzHeap(heapBefore, peakHeap.get(), heapAfter, maxHeap, settings.heapGrowthBytes());
        return new FuzzReport(settings, took, tally.frames(), tally.lines(), tally.bytes(), tally.reconnects(),
            tally.unaskedFrames(), tally.answers(), tally.failuresByProblem(), tally.examples(), heard, heap, up,
            atEnd.status() + " " + atEnd.body());
    }

    /**
     * Each second, samples the heap; stops the fuzz if the gateway's process is gone; and now and then prints how far
     * the run is.
     */
    private static void watch(FuzzAdmin admin, FuzzTally tally, FuzzSettings settings, AtomicLong peakHeap,
                              AtomicBoolean stop, long begun, PrintStream progress) {
        long lastProgress = System.nanoTime();
        try {
            while (true) {
                Thread.sleep(Duration.ofSeconds(1));
                if (!admin.alive()) {
                    progress.println("the gateway's process is gone: stopping the fuzz");
                    stop.set(true);
                    return;
                }
                try {
                    peakHeap.accumulateAndGet(admin.heapUsed(), Math::max);
                } catch (IOException e) {
                    // A sample missed; the gateway's health is judged at the end.
                }
                if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
                    lastProgress = System.nanoTime();
                    progress.printf(Locale.ROOT, "[%4d s] %,d of %,d frames, %,d failures, %,d reconnects%n",
                        (System.nanoTime() - begun) / 1_000_000_000L, tally.frames(), settings.frames(),
                        tally.failures(), tally.reconnects());
                }
            }
        } catch (InterruptedException e) {
            // The fuzz is over.
        }
    }

    /** Waits until the gateway counts no more connections than before the run: the fuzz sessions are gone. */
    private static void awaitConnectionsGone(FuzzAdmin admin, int before) throws InterruptedException {
        long deadline = System.nanoTime() + CLOSING.toNanos();
        while (System.nanoTime() < deadline) {
            FuzzAdmin.Health health = admin.health();
            if (!health.up() || health.connections() <= before) {
                return;
            }
            Thread.sleep(Duration.ofMillis(100));
        }
    }
}
