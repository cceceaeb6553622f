package chat.chaos;

import chat.bench.LocalServices;
import chat.bench.StartedProcesses;
import chat.client.failover.Failover;
import chat.gateway.GatewayMain;
import chat.history.HistoryMain;
import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ChatPartitions;
import chat.testkit.LocalHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The cluster a chaos run breaks: three Kafka nodes, the history service and three gateways, each a process of its own
 * on this machine, on a topic replicated three times, so that any one part can die. Every part can be killed
 * (SIGKILL), frozen (SIGSTOP) and thawed, and started again on its own data and ports. The gateways keep their default
 * limits but two: a client may open 2,000 connections from one address (every chaos client connects from 127.0.0.1),
 * and stay silent for an hour (the run's clients ping, but a frozen peer is not what the idle limit is about).
 * Not thread-safe: the run's main thread drives it.
 */
final class ChaosCluster implements AutoCloseable {
    static final String TOPIC = "chat.events";
    static final int GATEWAYS = 3;
    private static final int BROKERS = 3;
    private static final String GATEWAY_HEAP = "-Xmx1g";
    private static final String HISTORY_HEAP = "-Xmx512m";
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Pattern LAG = Pattern.compile("\"lag\":(\\d+)");

    private final Path dir;
    private final StartedProcesses started;
    private final ChaosDatabase database;
    private final LocalKafkaCluster.Settings kafkaSettings;
    private final Path secret;
    private final int historyPort;
    private final int historyAdmin;
    private final int[] ports = new int[GATEWAYS];
    private final int[] admins = new int[GATEWAYS];
    private final Process[] gateways = new Process[GATEWAYS];
    private LocalKafkaCluster kafka;
    private Process history;

    private ChaosCluster(Path dir, StartedProcesses started, ChaosDatabase database) throws IOException {
        this.dir = dir;
        this.started = started;
        this.database = database;
        this.kafkaSettings = new LocalKafkaCluster.Settings(dir.resolve("kafka"), BROKERS, 0, dir.resolve("kafka-logs"));
        this.secret = dir.resolve("history-secret");
        byte[] secretBytes = new byte[24];
        new SecureRandom().nextBytes(secretBytes);
        Files.writeString(secret, HexFormat.of().formatHex(secretBytes), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        this.historyPort = LocalServices.freePort();
        this.historyAdmin = LocalServices.freePort();
        for (int g = 0; g < GATEWAYS; g++) {
            ports[g] = LocalServices.freePort();
            admins[g] = LocalServices.freePort();
        }
    }

    /** Starts every part and returns once all are up: Kafka, then the gateways (which make the topics), then history. */
    static ChaosCluster start(Path dir, StartedProcesses started, ChaosDatabase database)
        throws IOException, InterruptedException {
        ChaosCluster cluster = new ChaosCluster(dir, started, database);
        cluster.kafka = started.add(LocalKafkaCluster.start(cluster.kafkaSettings));
        cluster.startServices();
        return cluster;
    }

    private void startServices() throws IOException, InterruptedException {
        startGateways();
        startHistory();
    }

    private void startGateways() throws IOException, InterruptedException {
        for (int g = 0; g < GATEWAYS; g++) {
            gateways[g] = launchGateway(g);
        }
        for (int g = 0; g < GATEWAYS; g++) {
            awaitGateway(g);
        }
    }

    /** Each client's list of gateways, the one it starts on first: client {@code n} starts on gateway n mod 3. */
    List<Failover.Gateway> gatewaysFor(int client) {
        List<Failover.Gateway> list = new ArrayList<>();
        for (int i = 0; i < GATEWAYS; i++) {
            list.add(new Failover.Gateway("127.0.0.1", ports[(client + i) % GATEWAYS]));
        }
        return list;
    }

    int gatewayPort(int g) {
        return ports[g];
    }

    int gatewayAdminPort(int g) {
        return admins[g];
    }

    long gatewayPid(int g) {
        return gateways[g].pid();
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    ChaosDatabase database() {
        return database;
    }

    void killGateway(int g) throws InterruptedException {
        gateways[g].destroyForcibly();
        gateways[g].waitFor(30, TimeUnit.SECONDS);
    }

    void startGateway(int g) throws IOException, InterruptedException {
        gateways[g] = launchGateway(g);
        awaitGateway(g);
    }

    void freezeGateway(int g) throws IOException, InterruptedException {
        signal("STOP", gateways[g].pid());
    }

    void thawGateway(int g) throws IOException, InterruptedException {
        signal("CONT", gateways[g].pid());
    }

    void killHistory() throws InterruptedException {
        history.destroyForcibly();
        history.waitFor(30, TimeUnit.SECONDS);
    }

    void startHistory() throws IOException, InterruptedException {
        history = LocalServices.startJava(started, dir, "history", HISTORY_HEAP, HistoryMain.class.getName(),
            List.of("--kafka", kafka.bootstrapServers(), "--topic", TOPIC, "--group", "chaos-history",
                "--db-url", database.url(), "--port", Integer.toString(historyPort),
                "--admin-port", Integer.toString(historyAdmin), "--api-secret-file", secret.toString()));
        LocalServices.awaitHealthy("history", history, historyAdmin, dir.resolve("history.log"), STARTUP);
    }

    /** The Kafka node leading the partition that holds {@code room}'s messages. */
    int leaderOf(String room) throws ExecutionException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(TOPIC)).allTopicNames().get();
            List<TopicPartitionInfo> partitions = topics.get(TOPIC).partitions();
            return partitions.get(ChatPartitions.of(room, partitions.size())).leader().id();
        }
    }

    void killBroker(int node) {
        kafka.killBroker(node);
    }

    void startBroker(int node) {
        kafka.startBroker(node);
    }

    /**
     * Every part gets SIGKILL at once, as when the machine loses power but for the page cache, and every part starts
     * again on its data: Kafka first, then the history service (the topic is there), so that the clients' replays
     * find it when the gateways take them back, then the gateways.
     */
    void restartEverything() throws IOException, InterruptedException {
        List<Process> services = new ArrayList<>(List.of(gateways));
        services.add(history);
        services.forEach(Process::destroyForcibly);
        for (int node = 1; node <= BROKERS; node++) {
            kafka.killBroker(node);
        }
        for (Process p : services) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        kafka = started.add(LocalKafkaCluster.start(kafkaSettings));
        startHistory();
        startGateways();
    }

    /** The history service's lag in messages, from its health answer; -1 when it does not answer. */
    long historyLag() {
        try {
            Matcher m = LAG.matcher(LocalHttp.get(historyAdmin, "/health").body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (AssertionError | RuntimeException e) {
            return -1;
        }
    }

    private Process launchGateway(int g) throws IOException {
        String id = "gw" + (g + 1);
        return LocalServices.startJava(started, dir, "gateway-" + (g + 1), GATEWAY_HEAP, GatewayMain.class.getName(),
            List.of("--kafka", kafka.bootstrapServers(), "--id", id, "--host", "127.0.0.1",
                "--port", Integer.toString(ports[g]), "--admin-port", Integer.toString(admins[g]),
                "--topic", TOPIC, "--replication", Integer.toString(BROKERS),
                "--history-url", "http://127.0.0.1:" + historyPort, "--history-secret-file", secret.toString(),
                "--max-connections-per-address", "2000", "--idle-timeout-ms", "3600000"));
    }

    private void awaitGateway(int g) throws IOException, InterruptedException {
        LocalServices.awaitHealthy("gateway-" + (g + 1), gateways[g], admins[g],
            dir.resolve("gateway-" + (g + 1) + ".log"), STARTUP);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    @Override
    public void close() {
        // A frozen process cannot even die of SIGTERM: everything runs again before the run's processes are stopped.
        for (Process g : gateways) {
            if (g != null && g.isAlive()) {
                try {
                    signal("CONT", g.pid());
                } catch (IOException | InterruptedException ignored) {
                    // It is stopped with SIGKILL after the patience of SIGTERM anyway.
                }
            }
        }
    }
}
