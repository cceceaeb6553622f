package chat.gateway;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** How many connections the gateway holds, in all and per client address, against their limits. Thread-safe. */
final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a new connection from {@code address}; false, counting nothing, when a limit is reached. */
    synchronized boolean tryOpen(InetAddress address) {
        int fromAddress = perAddress.getOrDefault(address, 0);
        if (total >= maxTotal || fromAddress >= maxPerAddress) {
            return false;
        }
        total++;
        perAddress.put(address, fromAddress + 1);
        return true;
    }

    /** A connection counted by {@link #tryOpen} ended. */
    synchronized void closed(InetAddress address) {
        total--;
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    synchronized int open() {
        return total;
    }
}
