package chat.ops.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * What a local cluster keeps under its data directory, and the one place that decides each node's settings:
 * {@code cluster.id}; {@code brokers}, the size the cluster has (written once a start or a resize is complete);
 * {@code first-port}, where its block of ports begins; {@code quorum}, present once the controllers form a dynamic
 * KRaft quorum (a 3-node cluster formatted before that has a static one); {@code node-N/}, a node's data, and
 * {@code node-N.properties}, its configuration, written again before every start. Node n listens for clients on
 * {@code firstPort + 2(n-1)} and for the controller quorum on the port after, whatever the cluster's size, so that a
 * cluster grows and shrinks on the ports it has. A cluster of three nodes detects failures as its
 * {@link FailureDetection} says. Not thread-safe: one launcher owns it.
 */
final class ClusterDirectory {
    /** The most nodes a local cluster has; a block of ports is kept for this many so that a cluster can grow. */
    static final int MAX_NODES = 3;

    private final Path dir;
    private final int firstPort;
    private final FailureDetection detection;

    /**
     * Opens {@code dir}, creating it. {@code requestedFirstPort} 0 keeps the port block the directory already has, or
     * picks a free one and keeps it.
     */
    ClusterDirectory(Path dir, int requestedFirstPort, FailureDetection detection) {
        this.dir = dir.toAbsolutePath();
        this.detection = detection;
        try {
            Files.createDirectories(this.dir);
            Path portFile = this.dir.resolve("first-port");
            if (requestedFirstPort != 0) {
                firstPort = requestedFirstPort;
            } else if (Files.exists(portFile)) {
                firstPort = Integer.parseInt(Files.readString(portFile).trim());
            } else {
                firstPort = freePortBlock();
            }
            Files.writeString(portFile, Integer.toString(firstPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return dir;
    }

    int clientPort(int node) {
        return firstPort + 2 * (node - 1);
    }

    int controllerPort(int node) {
        return clientPort(node) + 1;
    }

    Path nodeDir(int node) {
        return dir.resolve("node-" + node);
    }

    Path configFile(int node) {
        return dir.resolve("node-" + node + ".properties");
    }

    /** The size the cluster has, if it was ever started. */
    OptionalInt size() {
        String size = read("brokers");
        return size == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(size));
    }

    void recordSize(int brokers) {
        write("brokers", Integer.toString(brokers));
    }

    /** A 3-node cluster formatted before the quorum was dynamic lists its voters in every node's configuration. */
    boolean staticQuorum() {
        return read("quorum") == null && size().orElse(1) == MAX_NODES;
    }

    void recordDynamicQuorum() {
        write("quorum", "dynamic");
    }

    String clusterId() {
        String id = read("cluster.id");
        if (id == null) {
            // Kafka's own random id, which never starts with '-': StorageTool would read such an id after -t as an
            // option.
            id = Uuid.randomUuid().toString();
            write("cluster.id", id);
        }
        return id;
    }

    boolean formatted(int node) {
        return Files.exists(nodeDir(node).resolve("meta.properties"));
    }

    /** The directory id the node was formatted with, which names it in the controller quorum. */
    Uuid directoryId(int node) {
        Properties meta = new Properties();
        try (var in = Files.newBufferedReader(nodeDir(node).resolve("meta.properties"))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Uuid.fromString(meta.getProperty("directory.id"));
    }

    /** Deletes a node that left the cluster: its data and its configuration. */
    void forget(int node) {
        try {
            if (Files.exists(nodeDir(node))) {
                try (Stream<Path> paths = Files.walk(nodeDir(node))) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.deleteIfExists(configFile(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes node {@code node}'s configuration for a cluster of {@code brokers} nodes, and returns its file. */
    Path writeConfig(int node, int brokers) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort(node) + ",CONTROLLER://127.0.0.1:" + controllerPort(node));
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort(node));
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", nodeDir(node).toString());
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "6");
        List<String> controllers = new ArrayList<>();
        for (int n = 1; n <= brokers; n++) {
            controllers.add(staticQuorum() ? n + "@127.0.0.1:" + controllerPort(n) : "127.0.0.1:" + controllerPort(n));
        }
        p.put(staticQuorum() ? "controller.quorum.voters" : "controller.quorum.bootstrap.servers",
            String.join(",", controllers));
        String replication = Integer.toString(brokers);
        String minInSync = Integer.toString(minInSyncReplicas(brokers));
        p.put("default.replication.factor", replication);
        p.put("min.insync.replicas", minInSync);
        for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor")) {
            p.put(key, replication);
        }
        for (String key : List.of("transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr")) {
            p.put(key, minInSync);
        }
        if (brokers == MAX_NODES) {
            p.putAll(detection.settings());
        }
        Path config = configFile(node);
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by local-kafka before every start");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    /** Three replicas take writes while two of them have them, so that a message survives the loss of a broker. */
    static int minInSyncReplicas(int brokers) {
        return brokers == MAX_NODES ? 2 : 1;
    }

    private String read(String name) {
        Path file = dir.resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String name, String value) {
        try {
            Files.writeString(dir.resolve(name), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first of {@code 2 * MAX_NODES} consecutive ports that are free now, for a cluster that picks its own. */
    private static int freePortBlock() {
        for (int attempt = 0; attempt < 100; attempt++) {
            // Below Linux's ephemeral ports, where outgoing connections would take them.
            int first = 2 * ThreadLocalRandom.current().nextInt(10_000, 16_000);
            if (blockIsFree(first)) {
                return first;
            }
        }
        throw new IllegalStateException("found no " + 2 * MAX_NODES + " consecutive free ports for Kafka");
    }

    private static boolean blockIsFree(int first) {
        for (int port = first; port < first + 2 * MAX_NODES; port++) {
            try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                // Free now.
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
