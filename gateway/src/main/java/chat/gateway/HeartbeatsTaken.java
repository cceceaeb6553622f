package chat.gateway;

import chat.gateway.presence.PresenceState;

/**
 * Whether Kafka took one of this gateway's heartbeats within a lease ({@link PresenceState#LEASE}). The lease read
 * from the presence topic does not run down while Kafka is unreachable (no log time passes), so this is how a gateway
 * cut off from Kafka tells that the other gateways will count its sessions as lost, and stops counting itself live.
 * The start counts as a heartbeat taken: a gateway has a lease's time to get its first one in. Thread-safe: Kafka's
 * producer thread records, any thread asks.
 */
final class HeartbeatsTaken {
    private final Time time;
    private volatile long lastTaken;

    HeartbeatsTaken(Time time) {
        this.time = time;
        this.lastTaken = time.nanoTime();
    }

    /** Kafka acknowledged a heartbeat. */
    void taken() {
        lastTaken = time.nanoTime();
    }

    boolean withinLease() {
        return time.nanoTime() - lastTaken < PresenceState.LEASE.toNanos();
    }
}
