package chat.bench;

import chat.gateway.GatewayConfig;
import chat.gateway.KafkaClients;
import chat.ops.kafka.FailureDetection;
import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * How long the death of a broker stalls the chat: on a cluster of three nodes of its own (each broker and controller),
 * a producer and a consumer with the gateway's own client settings ({@link KafkaClients}) send {@value #RATE} records
 * a second through a partition of replication 3 and {@code min.insync.replicas=2} ({@link FailoverTraffic}). Each
 * round sends SIGKILL to the partition's leader, odd rounds while it is also the active controller and even ones while
 * it is not; the records sent in the {@link #WINDOW} after the kill are measured (their end-to-end latency beyond the
 * median of the seconds before, and the longest gap in acks), then the node is started again and the bench waits until
 * every replica is in sync. A last round freezes the leader with SIGSTOP for {@link #FROZEN}, a broker that stops
 * answering without closing its sockets, then lets it go on. All of it runs twice, first with Kafka's own settings
 * (brokers and clients) and then with the project's ({@link FailureDetection#FAST} and the clients' failover settings).
 */
public final class FailoverBench {
    static final String USAGE = "usage: ops/chat bench failover [--rounds N] [--only fast|defaults]   (default 4 rounds of"
        + " SIGKILL, then one of SIGSTOP, with Kafka's defaults and then with ours)\n";
    private static final String TOPIC = "failover";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final int RATE = 100;
    /** Records a run may send: an hour's. */
    private static final int CAPACITY = RATE * 3_600;
    /** Steady sending before each fault; the median latency of the last two seconds of it is the baseline. */
    private static final Duration STEADY = Duration.ofSeconds(3);
    private static final Duration BASELINE = Duration.ofSeconds(2);
    /** The records sent this long after a fault are the ones measured. */
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Duration FROZEN = Duration.ofSeconds(20);
    /** How long the measured records may take to be acked (or fail) and read back. */
    private static final Duration SETTLE = Duration.ofSeconds(90);

    /** The two ways the cluster and its clients are set up. */
    private enum Setup {
        DEFAULTS("Kafka's defaults", FailureDetection.KAFKA_DEFAULTS),
        FAST("ours", FailureDetection.FAST);

        final String title;
        final FailureDetection detection;

        Setup(String title, FailureDetection detection) {
            this.title = title;
            this.detection = detection;
        }
    }

    /** One fault and what it did. */
    private record Round(String fault, String leaderWas, FailoverTraffic.Stall stall) {}

    private final int rounds;
    private final List<Setup> setups;

    private FailoverBench(int rounds, List<Setup> setups) {
        this.rounds = rounds;
        this.setups = setups;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        int rounds = 4;
        List<Setup> setups = List.of(Setup.DEFAULTS, Setup.FAST);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds") && i + 1 < args.length && args[i + 1].matches("[1-9][0-9]?")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--only") && i + 1 < args.length && args[i + 1].matches("fast|defaults")) {
                setups = List.of(Setup.valueOf(args[++i].toUpperCase()));
            } else {
                System.out.print(USAGE);
                System.exit(args[i].equals("--help") || args[i].equals("-h") ? 0 : 2);
            }
        }
        FailoverBench bench = new FailoverBench(rounds, setups);
        ScratchRun.runAndExit("failover", bench::run);
    }

    private int run(StartedProcesses started, Path dir) throws Exception {
        Map<Setup, List<Round>> results = new LinkedHashMap<>();
        boolean whole = true;
        for (Setup setup : setups) {
            List<Round> measured = new ArrayList<>();
            whole &= measure(setup, started, dir.resolve(setup.name().toLowerCase()), measured);
            results.put(setup, measured);
        }
        System.out.println();
        System.out.printf("added end-to-end latency of the records sent in the %d s after the fault, and the longest gap"
            + " in acks (ms)%n", WINDOW.toSeconds());
        System.out.println("| settings | fault | leader was | p50 | p99 | max | longest gap in acks | given up |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        results.forEach((setup, measured) -> {
            measured.forEach(round -> row(setup.title, round.fault, round.leaderWas, round.stall));
            List<FailoverTraffic.Stall> kills = measured.stream().filter(round -> round.fault.startsWith("SIGKILL"))
                .map(Round::stall).toList();
            row(setup.title, "SIGKILL, all " + kills.size() + " rounds", "either", FailoverTraffic.Stall.merge(kills));
        });
        return whole ? 0 : 1;
    }

    private static void row(String settings, String fault, String leaderWas, FailoverTraffic.Stall s) {
        System.out.printf("| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %d |%n", settings, fault, leaderWas,
            s.p50Millis(), s.p99Millis(), s.maxMillis(), s.longestAckGapMillis(), s.failed());
    }

    /** One whole run on a cluster of its own; false if a record was lost or never settled. */
    private boolean measure(Setup setup, StartedProcesses started, Path dir, List<Round> measured) throws Exception {
        progress("%s: starting three Kafka nodes", setup.title);
        LocalKafkaCluster cluster = started.add(LocalKafkaCluster.start(new LocalKafkaCluster.Settings(
            dir.resolve("data"), 3, 0, dir.resolve("logs"), setup.detection)));
        try (Admin admin = admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            GatewayConfig config = GatewayConfig.parse(new String[] {"--kafka", cluster.bootstrapServers(), "--id",
                "failover-bench"}, Map.of());
            Properties producer = KafkaClients.producerProperties(config, "failover", "lz4");
            Properties consumer = KafkaClients.consumerProperties(config, "failover", 2_000);
            if (setup == Setup.DEFAULTS) {
                KafkaClients.failoverSettings().keySet().forEach(key -> {
                    producer.remove(key);
                    consumer.remove(key);
                });
                // As the gateway had it before: Kafka's 30 s would be longer than the send timeout (15 s).
                producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.sendTimeout().toMillis() / 2);
            }
            boolean whole = true;
            try (FailoverTraffic traffic = new FailoverTraffic(TOPIC, RATE, CAPACITY, producer, consumer)) {
                traffic.start();
                for (int round = 1; round <= rounds; round++) {
                    boolean onController = round % 2 == 1;
                    placeLeader(admin, cluster, onController);
                    int leader = leader(cluster);
                    String was = leader == cluster.activeController() ? "the active controller" : "a broker only";
                    Round done = fault(traffic, "SIGKILL " + round, was, () -> cluster.killBroker(leader),
                        () -> cluster.startBroker(leader));
                    whole &= report(setup, done);
                    measured.add(done);
                }
                int leader = leader(cluster);
                String was = leader == cluster.activeController() ? "the active controller" : "a broker only";
                Round frozen = fault(traffic, "SIGSTOP for " + FROZEN.toSeconds() + " s", was,
                    () -> cluster.pauseBroker(leader), () -> {
                        sleepUntil(FailoverTraffic.now() + FROZEN.minus(WINDOW).toNanos());
                        cluster.resumeBroker(leader);
                    });
                whole &= report(setup, frozen);
                measured.add(frozen);
                traffic.stopSending();
                if (!traffic.awaitSettled(traffic.sentCount(), SETTLE)) {
                    System.err.printf("%s: the last records did not settle within %d s%n", setup.title,
                        SETTLE.toSeconds());
                }
                int lost = traffic.lost();
                progress("%s: %d records sent, %d acknowledged and never read back, %d read twice", setup.title,
                    traffic.sentCount(), lost, traffic.doubled());
                whole &= lost == 0;
            }
            return whole;
        } finally {
            cluster.close();
        }
    }

    /** An action on the cluster that may fail. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Measures one fault: a steady spell, the fault, the window of records after it, then {@code recover} (which
     * returns once the cluster serves whole again) and the wait until every measured record settled.
     */
    private static Round fault(FailoverTraffic traffic, String name, String leaderWas, Step fault, Step recover)
        throws Exception {
        long steadyFrom = FailoverTraffic.now();
        sleepUntil(steadyFrom + STEADY.toNanos());
        long at = FailoverTraffic.now();
        long baseline = traffic.medianLatency(traffic.firstSentFrom(at - BASELINE.toNanos()), traffic.firstSentFrom(at));
        fault.run();
        sleepUntil(at + WINDOW.toNanos());
        int from = traffic.firstSentFrom(at);
        int to = traffic.firstSentFrom(at + WINDOW.toNanos());
        recover.run();
        if (!traffic.awaitSettled(to, SETTLE)) {
            System.err.printf("%s: records sent in the window did not settle within %d s%n", name, SETTLE.toSeconds());
        }
        return new Round(name, leaderWas, traffic.stall(from, to, baseline, at));
    }

    /** Prints a round as it ends; false if a measured record never settled. */
    private static boolean report(Setup setup, Round round) {
        FailoverTraffic.Stall s = round.stall;
        progress("%s: %s of the leader (%s): %d records, p50 %.0f ms, p99 %.0f ms, max %.0f ms, longest gap in acks"
                + " %.0f ms, given up %d", setup.title, round.fault, round.leaderWas, s.records(), s.p50Millis(),
            s.p99Millis(), s.maxMillis(), s.longestAckGapMillis(), s.failed());
        return s.unacked() == 0 && s.undelivered() == 0;
    }

    private static int leader(LocalKafkaCluster cluster) {
        return Poll.until("a leader of " + PARTITION, Duration.ofSeconds(30), Duration.ofMillis(100),
            () -> cluster.leaderOf(TOPIC, 0), Optional::isPresent).orElseThrow();
    }

    /**
     * Makes the partition's leader the active controller, or a node that is not, by putting it first among the
     * replicas and electing the preferred leader.
     */
    private static void placeLeader(Admin admin, LocalKafkaCluster cluster, boolean onController) throws Exception {
        int controller = cluster.activeController();
        List<Integer> replicas = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(TOPIC).partitions().getFirst().replicas().stream().map(Node::id).toList();
        int target = onController ? controller
            : replicas.stream().filter(node -> node != controller).findFirst().orElseThrow();
        if (leader(cluster) == target) {
            return;
        }
        List<Integer> order = new ArrayList<>(List.of(target));
        replicas.stream().filter(node -> node != target).forEach(order::add);
        admin.alterPartitionReassignments(Map.of(PARTITION, Optional.of(new NewPartitionReassignment(order))))
            .all().get(30, TimeUnit.SECONDS);
        Poll.until("the replicas of " + PARTITION + " reordered", Duration.ofSeconds(30), Duration.ofMillis(100),
            () -> admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS), Map::isEmpty);
        try {
            admin.electLeaders(ElectionType.PREFERRED, Set.of(PARTITION)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ElectionNotNeededException)) {
                throw e;
            }
        }
        Poll.until("kafka-" + target + " leading " + PARTITION, Duration.ofSeconds(30), Duration.ofMillis(100),
            () -> leader(cluster), leader -> leader == target);
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(p);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - FailoverTraffic.now();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }
}
