package chat.ops.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft Kafka cluster of one or three combined broker+controller nodes on 127.0.0.1, each node a child process
 * ({@code kafka.Kafka}) run on this JVM's own classpath. Node n listens for clients on {@code firstPort + 2(n-1)} and
 * for its controller quorum on the port after; with {@code firstPort} 0 every port is a free one picked at start.
 * Data lives in {@code dataDir/node-N}, formatted once; the cluster id is kept in {@code dataDir/cluster.id}.
 * Not thread-safe: one owner starts and stops it.
 */
public final class LocalKafkaCluster implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    /** Where and how big: {@code brokers} is 1 or 3. */
    public record Settings(Path dataDir, int brokers, int firstPort, Path logDir) {
        public Settings {
            if (brokers != 1 && brokers != 3) {
                throw new IllegalArgumentException("brokers must be 1 or 3");
            }
        }
    }

    private final Settings settings;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final Process[] processes;

    private LocalKafkaCluster(Settings settings) {
        this.settings = settings;
        int n = settings.brokers();
        clientPorts = new int[n];
        controllerPorts = new int[n];
        processes = new Process[n];
        for (int i = 0; i < n; i++) {
            clientPorts[i] = settings.firstPort() == 0 ? freePort() : settings.firstPort() + 2 * i;
            controllerPorts[i] = settings.firstPort() == 0 ? freePort() : settings.firstPort() + 2 * i + 1;
        }
    }

    /** Formats what is not formatted yet, starts every node, and returns once the cluster serves clients. */
    public static LocalKafkaCluster start(Settings settings) {
        LocalKafkaCluster cluster = new LocalKafkaCluster(settings);
        try {
            cluster.prepare();
            for (int node = 1; node <= settings.brokers(); node++) {
                cluster.spawn(node);
            }
            cluster.awaitReady();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        List<String> addresses = new ArrayList<>();
        for (int port : clientPorts) {
            addresses.add("127.0.0.1:" + port);
        }
        return String.join(",", addresses);
    }

    /** Stops a node with SIGTERM and waits for it to exit. */
    public void stopBroker(int nodeId) {
        stop(nodeId, false);
    }

    /** Stops a node with SIGKILL and waits for it to exit. */
    public void killBroker(int nodeId) {
        stop(nodeId, true);
    }

    /** Starts a stopped node again on its data and ports, and waits until the cluster serves clients. */
    public void startBroker(int nodeId) {
        spawn(nodeId);
        awaitReady();
    }

    @Override
    public void close() {
        for (int node = 1; node <= processes.length; node++) {
            stop(node, false);
        }
    }

    // ---- set-up ----

    private void prepare() {
        try {
            Files.createDirectories(settings.dataDir());
            Files.createDirectories(settings.logDir());
            Path idFile = settings.dataDir().resolve("cluster.id");
            Path sizeFile = settings.dataDir().resolve("brokers");
            if (Files.exists(sizeFile)) {
                int formatted = Integer.parseInt(Files.readString(sizeFile).trim());
                if (formatted != settings.brokers()) {
                    throw new IllegalStateException(settings.dataDir() + " holds a " + formatted + "-broker cluster, not "
                        + settings.brokers() + "; delete it first (ops/chat reset)");
                }
            }
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, clusterId());
            }
            Files.writeString(sizeFile, Integer.toString(settings.brokers()));
            String clusterId = Files.readString(idFile).trim();
            for (int node = 1; node <= settings.brokers(); node++) {
                Path config = writeConfig(node);
                if (!Files.exists(nodeDir(node).resolve("meta.properties"))) {
                    format(config, clusterId);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clusterId() {
        // Kafka's own random id, which never starts with '-': StorageTool would read such an id after -t as an option.
        return Uuid.randomUuid().toString();
    }

    private Path nodeDir(int node) {
        return settings.dataDir().resolve("node-" + node);
    }

    private Path writeConfig(int node) throws IOException {
        int i = node - 1;
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i]);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[i]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", nodeDir(node).toAbsolutePath().toString());
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "6");
        if (settings.brokers() == 1) {
            p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPorts[0]);
            for (String key : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr")) {
                p.put(key, "1");
            }
        } else {
            List<String> voters = new ArrayList<>();
            for (int n = 1; n <= settings.brokers(); n++) {
                voters.add(n + "@127.0.0.1:" + controllerPorts[n - 1]);
            }
            p.put("controller.quorum.voters", String.join(",", voters));
            p.put("default.replication.factor", "3");
            p.put("min.insync.replicas", "2");
        }
        Path config = settings.dataDir().resolve("node-" + node + ".properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "written by local-kafka on every start");
        }
        return config;
    }

    /** The last lines of a log, for an error message that must explain itself after its directory is gone. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private void format(Path config, String clusterId) {
        List<String> args = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
            config.toString(), "--ignore-formatted"));
        if (settings.brokers() == 1) {
            args.add("--standalone");
        }
        Path log = settings.logDir().resolve("kafka-format.log");
        try {
            Process format = java(args).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; " + log + " ends:\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting", e);
        }
    }

    private void spawn(int node) {
        Process running = processes[node - 1];
        if (running != null && running.isAlive()) {
            return;
        }
        Path config = settings.dataDir().resolve("node-" + node + ".properties");
        Path log = settings.logDir().resolve("kafka-" + node + ".log");
        try {
            processes[node - 1] = java(List.of("-Xmx512m", "kafka.Kafka", config.toString()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            Files.writeString(settings.dataDir().resolve("node-" + node + ".pid"),
                Long.toString(processes[node - 1].pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A child JVM on this JVM's classpath; JVM options come before the main class in {@code args}. */
    private static ProcessBuilder java(List<String> args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(p)) {
            while (Instant.now().isBefore(deadline)) {
                for (int node = 1; node <= processes.length; node++) {
                    if (processes[node - 1] != null && !processes[node - 1].isAlive()) {
                        throw new IllegalStateException("Kafka node " + node + " exited; see "
                            + settings.logDir().resolve("kafka-" + node + ".log"));
                    }
                }
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (nodes == live()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // Still starting: ask again.
                }
                sleepBriefly();
            }
        }
        throw new IllegalStateException("Kafka did not serve clients at " + bootstrapServers() + " within " + STARTUP
            + "; see " + settings.logDir());
    }

    private int live() {
        int live = 0;
        for (Process process : processes) {
            live += process != null && process.isAlive() ? 1 : 0;
        }
        return live;
    }

    private void stop(int node, boolean kill) {
        Process process = processes[node - 1];
        if (process == null) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes[node - 1] = null;
        try {
            Files.deleteIfExists(settings.dataDir().resolve("node-" + node + ".pid"));
        } catch (IOException ignored) {
            // A stale pid file is checked against the live process by ops/chat.
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "Kafka " + bootstrapServers() + " (" + settings.brokers() + " node"
            + (settings.brokers() == 1 ? "" : "s") + ", data " + settings.dataDir() + ")";
    }
}
