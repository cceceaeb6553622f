package chat.ops.kafka;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How fast a cluster of three nodes notices that one of them died or stopped answering, and hands its partitions and
 * the controller role to the others: the broker and controller settings that decide it, as each node's properties.
 * {@link #FAST} is what {@code ops/chat up --brokers 3} and the tests run, and what {@code docker-compose.yml} sets on
 * its brokers ({@code DeploymentFilesTest} holds the compose file to it); {@link #KAFKA_DEFAULTS} leaves Kafka's own,
 * for the failover bench to measure beside. docs/ARCHITECTURE.md ("When a broker dies") says why each value and what
 * it costs. A cluster of one node has nobody to hand anything to and keeps Kafka's defaults whatever is asked.
 * Immutable.
 */
public enum FailureDetection {
    /**
     * A partition of a node that died has a new leader about 1 s after its death, or 2.4 to 3 s after when that node
     * was also the active controller (a new one is elected first, then gives every broker a whole session).
     */
    FAST(Map.of(
        // The active controller fences a broker it has not heard from for this long, and elects new leaders for its
        // partitions; four heartbeats go missing first.
        "broker.session.timeout.ms", "1000",
        "broker.heartbeat.interval.ms", "250",
        // A controller that has fetched nothing from the active one for this long stands for election. Kafka's
        // controllers answer a fetch within 500 ms when there is nothing new, so this is the least that never fires
        // on a quiet quorum.
        "controller.quorum.fetch.timeout.ms", "1000",
        // How long a candidate waits for the votes before it tries again: one voter is the dead node, so a split vote
        // between the two others costs this much.
        "controller.quorum.election.timeout.ms", "200",
        // A follower whose fetch failed waits this long before the next: the first fetch from a new leader often
        // comes before that leader knows it leads, and Kafka's 1 s wait then holds every acks=all write as long.
        "replica.fetch.backoff.ms", "100",
        // A follower that stops fetching while its broker still heartbeats (a stuck disk) holds acks=all writes until
        // the leader drops it from the in-sync replicas: 5 s instead of 30.
        "replica.lag.time.max.ms", "5000",
        // Never elect a replica that may lack acknowledged messages, however long the partition then waits.
        "unclean.leader.election.enable", "false")),

    /** Kafka's own settings: a session of 9 s and a quorum fetch timeout of 2 s. */
    KAFKA_DEFAULTS(Map.of());

    private final Map<String, String> settings;

    FailureDetection(Map<String, String> settings) {
        this.settings = new TreeMap<>(settings);
    }

    /** The node properties, by name, sorted. */
    public Map<String, String> settings() {
        return Collections.unmodifiableMap(settings);
    }
}
