package chat.chaos;

/**
 * The gateway's heap through a fuzz run: in use after a full collection before the run and after it (with no fuzz
 * connection open; -1 when the gateway was not there to ask), the most seen in use meanwhile (sampled each second,
 * garbage included), and its limit. The run passes when the heap after it is at most {@code allowedGrowthBytes} above
 * the heap before it. Immutable.
 */
public record FuzzHeap(long beforeBytes, long peakBytes, long afterBytes, long maxBytes, long allowedGrowthBytes) {
    public boolean withinBound() {
        return afterBytes >= 0 && afterBytes <= beforeBytes + allowedGrowthBytes;
    }

    static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
