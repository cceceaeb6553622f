package chat.chaos;

import java.time.Duration;

/**
 * How big a chaos run is and how long each part lasts. {@code clients} users, each in {@code roomsEach} rooms (the
 * busiest, {@link #BUSY_ROOM}, with probability {@code busyShare}; the rest drawn from the others), share {@code rate}
 * messages a second,
 * a {@code dmShare} of them direct. Before the first fault the chat runs {@code calm} undisturbed (the baseline of
 * delivery latency); each fault's effect is measured over {@code window} after it (plus the time the fault lasts);
 * between faults the run waits until every client is back and then {@code calm} again. {@code fuzzFrames} hostile
 * frames go to a gateway from {@code fuzzConnections} connections while the clients talk (0: no fuzzing), before the
 * restart of everything.
 */
record ChaosSettings(String name, int clients, int rooms, int roomsEach, double busyShare, double rate, double dmShare,
                     Duration calm, Duration window, Duration frozenFor, Duration historyDownFor,
                     Duration brokerDownFor, double burstShare, int fuzzFrames, int fuzzConnections, long seed) {
    static final String BUSY_ROOM = "r00";

    ChaosSettings {
        if (clients < 2 || rooms < 2 || roomsEach < 1 || roomsEach >= rooms || rate <= 0) {
            throw new IllegalArgumentException("a chaos run needs 2 clients or more, 2 rooms or more, and a rate");
        }
    }

    /** The full run: 1,000 clients in 50 rooms, 100 messages a second, 100,000 hostile frames. */
    static ChaosSettings full(long seed) {
        return new ChaosSettings("full", 1_000, 50, 3, 0.2, 100, 0.1, Duration.ofSeconds(30), Duration.ofSeconds(20),
            Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(10), 0.2, 100_000, 50, seed);
    }

    /**
     * The short run CI makes: 100 clients in 10 rooms, 20 messages a second, each fault once (the freeze 10 s, twice
     * the clients' pong patience), 2 s of calm, 2,000 hostile frames (the short fuzzer on its own sends 10,000).
     */
    static ChaosSettings quick(long seed) {
        return new ChaosSettings("short", 100, 10, 3, 0.5, 20, 0.1, Duration.ofSeconds(2), Duration.ofSeconds(6),
            Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(8), 0.3, 2_000, 20, seed);
    }

    ChaosSettings withClients(int count) {
        return new ChaosSettings(name, count, rooms, roomsEach, busyShare, rate * count / clients, dmShare, calm, window,
            frozenFor, historyDownFor, brokerDownFor, burstShare, fuzzFrames, fuzzConnections, seed);
    }

    static String room(int n) {
        return String.format("r%02d", n);
    }
}
