package chat.bench;

import java.util.Arrays;

/** Percentiles of durations, in milliseconds, and a row of them printed for the samples after a warm-up. */
public final class Percentiles {
    private Percentiles() {}

    public static void header() {
        header("path (ms)");
    }

    public static void header(String firstColumn) {
        System.out.printf("%-44s %8s %8s %8s %8s %8s%n", firstColumn, "p50", "p90", "p99", "p99.9", "max");
    }

    public static void report(String name, long[] nanos, int warmup) {
        long[] measured = Arrays.copyOfRange(nanos, warmup, nanos.length);
        Arrays.sort(measured);
        System.out.printf("%-44s %8.2f %8.2f %8.2f %8.2f %8.2f%n", name, millis(measured, 50), millis(measured, 90),
            millis(measured, 99), millis(measured, 99.9), measured[measured.length - 1] / 1e6);
    }

    /** The {@code p}th percentile (0 to 100) of sorted nanoseconds, in milliseconds. */
    public static double millis(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }
}
