package chat.ops.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The Kafka requests a launcher makes of its local cluster: whether every node answers, the controller quorum's
 * voters, and the moves that grow or shrink the cluster (voters, partition replicas, topic settings). Each request
 * waits a few seconds at most and throws when it fails, for the caller to ask again. Not thread-safe.
 */
final class ClusterAdmin implements AutoCloseable {
    private static final int TIMEOUT_SECONDS = 10;

    private final Admin admin;

    ClusterAdmin(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        admin = Admin.create(p);
    }

    /**
     * Why the cluster does not serve yet as {@code nodes}, or empty when it does: every one of them is registered and
     * answers a request itself, and every partition has a leader and all its replicas in sync (a node that comes back
     * catches up first).
     */
    Optional<String> whyNotServing(Set<Integer> nodes) {
        try {
            Set<Integer> registered;
            try {
                registered = get(admin.describeCluster().nodes()).stream().map(Node::id).collect(Collectors.toSet());
            } catch (RequestFailed e) {
                return Optional.of("no node answers yet: " + e.getMessage());
            }
            for (int node : nodes) {
                if (!registered.contains(node)) {
                    return Optional.of("kafka-" + node + " has not joined the cluster");
                }
            }
            // A node's log directories are described by the node itself: this is a request each one answers.
            Map<Integer, KafkaFuture<?>> answers = new HashMap<>(admin.describeLogDirs(nodes).descriptions());
            for (int node : new TreeSet<>(nodes)) {
                try {
                    get(answers.get(node));
                } catch (RequestFailed e) {
                    return Optional.of("kafka-" + node + " does not answer: " + e.getMessage());
                }
            }
            for (TopicDescription topic : topics()) {
                for (TopicPartitionInfo partition : topic.partitions()) {
                    String name = topic.name() + "-" + partition.partition();
                    if (partition.leader() == null || partition.leader().isEmpty()) {
                        return Optional.of("partition " + name + " has no leader");
                    }
                    if (partition.isr().size() < partition.replicas().size()) {
                        return Optional.of("partition " + name + " has " + partition.isr().size() + " of "
                            + partition.replicas().size() + " replicas in sync");
                    }
                }
            }
            return Optional.empty();
        } catch (RequestFailed e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The nodes that vote in the controller quorum, by id, with the directory id each was added with. */
    Map<Integer, Uuid> voters() {
        Map<Integer, Uuid> voters = new HashMap<>();
        for (QuorumInfo.ReplicaState voter : get(admin.describeMetadataQuorum().quorumInfo()).voters()) {
            voters.put(voter.replicaId(), voter.replicaDirectoryId());
        }
        return voters;
    }

    /** The id of the controller quorum's leader, the active controller. */
    int quorumLeader() {
        return get(admin.describeMetadataQuorum().quorumInfo()).leaderId();
    }

    /** The node that leads a partition, or empty while it has no leader. */
    Optional<Integer> leaderOf(String topic, int partition) {
        TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        Node leader = description.partitions().get(partition).leader();
        return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(leader.id());
    }

    /** Makes a node that follows the quorum as an observer one of its voters. */
    void addVoter(int node, Uuid directoryId, int controllerPort) {
        get(admin.addRaftVoter(node, directoryId,
            Set.of(new RaftVoterEndpoint("CONTROLLER", "127.0.0.1", controllerPort))).all());
    }

    void removeVoter(int node, Uuid directoryId) {
        get(admin.removeRaftVoter(node, directoryId).all());
    }

    /** Turns a static controller quorum, whose voters are in each node's configuration, into a dynamic one. */
    void makeQuorumDynamic() {
        get(admin.updateFeatures(Map.of("kraft.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
            new UpdateFeaturesOptions()).all());
    }

    /**
     * Gives every partition of every topic, Kafka's own included, the replicas {@code target} makes of its current
     * ones; partitions that have them already are left alone. Returns whether any partition moves.
     */
    boolean reassign(Function<List<Integer>, List<Integer>> target) {
        Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
        for (TopicDescription topic : topics()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                List<Integer> replicas = partition.replicas().stream().map(Node::id).toList();
                List<Integer> wanted = target.apply(replicas);
                if (!wanted.equals(replicas)) {
                    moves.put(new TopicPartition(topic.name(), partition.partition()),
                        Optional.of(new NewPartitionReassignment(wanted)));
                }
            }
        }
        if (!moves.isEmpty()) {
            get(admin.alterPartitionReassignments(moves).all());
        }
        return !moves.isEmpty();
    }

    /** Whether a reassignment is still copying replicas. */
    boolean reassigning() {
        return !get(admin.listPartitionReassignments().reassignments()).isEmpty();
    }

    /** Whether every partition has exactly {@code replicas} replicas, all of them in sync. */
    boolean everyPartitionHas(Set<Integer> replicas) {
        for (TopicDescription topic : topics()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                Set<Integer> assigned = partition.replicas().stream().map(Node::id).collect(Collectors.toSet());
                Set<Integer> inSync = partition.isr().stream().map(Node::id).collect(Collectors.toSet());
                if (!assigned.equals(replicas) || !inSync.equals(replicas)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Sets {@code min.insync.replicas} on every topic, Kafka's own included. */
    void setMinInSyncReplicas(int replicas) {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        for (TopicDescription topic : topics()) {
            changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), List.of(new AlterConfigOp(
                new ConfigEntry("min.insync.replicas", Integer.toString(replicas)), AlterConfigOp.OpType.SET)));
        }
        if (!changes.isEmpty()) {
            get(admin.incrementalAlterConfigs(changes).all());
        }
    }

    /** Forgets a broker that has left for good, so that the cluster stops waiting for it to come back. */
    void unregister(int node) {
        get(admin.unregisterBroker(node).all());
    }

    @Override
    public void close() {
        admin.close();
    }

    private List<TopicDescription> topics() {
        Set<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
        if (names.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(get(admin.describeTopics(names).allTopicNames()).values());
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new RequestFailed(e.getCause().getMessage() == null ? e.getCause().toString()
                : e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new RequestFailed("no answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailed("interrupted", e);
        }
    }

    /** A request the cluster did not answer as asked; the message says why. */
    static final class RequestFailed extends RuntimeException {
        RequestFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
