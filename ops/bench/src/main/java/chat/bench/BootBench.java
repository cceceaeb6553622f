package chat.bench;

import chat.gateway.GatewayConfig;
import chat.gateway.GatewayMain;
import chat.gateway.PresenceSnapshots;
import chat.gateway.Topics;
import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.gateway.presence.SnapshotCodec;
import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How long a gateway takes to start on a presence topic of N records: from the newest snapshot, and from the first
 * record. On a broker of its own, two clusters get the same history of N presence records ({@link PresenceHistory}),
 * each record a batch of its own as the gateways write them: on the first, a gateway started before the history
 * follows it as it is written and, being the eldest, writes snapshots as it would in a deployment; the second has no
 * gateway and so no snapshot. Then half a snapshot interval more of the history is written, as a gateway that starts
 * at a moment picked at random finds it. Throughout, the bench keeps the history's three gateways heartbeating on
 * both clusters, so a starting gateway joins a live cluster that holds the history's sessions. Gateways then start,
 * each a process of its own run from the build's class path, in turns on each cluster: the time from starting the
 * process to its {@code /health} answering 200 (it accepts clients from then on), and, from its log, how many records
 * it replayed and how long restoring and replaying took.
 */
public final class BootBench {
    /**
     * At most what the presence topic keeps (1 GiB, some 200 bytes a record): the cluster without snapshots must still
     * hold its first record, or its gateways rightly refuse to start.
     */
    private static final int MOST_RECORDS = 5_000_000;
    static final String USAGE = "usage: ops/chat bench boot [--records N]   (default 1000000, at most 5000000)\n";
    private static final String HEAP = "-Xmx1g";
    private static final int RUNS = 3;
    private static final Duration STARTUP = Duration.ofMinutes(5);
    /** Records written between two moments when the history's producers have all written what they were given. */
    private static final int IN_STEP = 5_000;
    private static final Pattern REPLAYED =
        Pattern.compile("(restored the presence snapshot at offset (\\d+)|had no snapshot) and replayed (\\d+) presence"
            + " records, to offset \\d+, in (\\d+) ms");

    /** The chat topic and presence topic of one cluster. */
    private record Cluster(String topic) {
        String presenceTopic() {
            return topic + "-presence";
        }
    }

    /** One start: the snapshot it restored (-1 for none), the records it replayed, and the times. */
    private record Start(long snapshotOffset, long replayed, long replayMillis, long upMillis) {}

    private final int records;
    private final StartedProcesses started;
    private final Path dir;
    private final long startNanos = System.nanoTime();
    private String kafka;

    private BootBench(int records, StartedProcesses started, Path dir) {
        this.records = records;
        this.started = started;
        this.dir = dir;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        int records = 1_000_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--records") && i + 1 < args.length && args[i + 1].matches("[0-9]{1,7}")
                && Integer.parseInt(args[i + 1]) <= MOST_RECORDS) {
                records = Integer.parseInt(args[++i]);
            } else {
                System.out.print(USAGE);
                System.exit(args[i].equals("--help") || args[i].equals("-h") ? 0 : 2);
            }
        }
        int n = records;
        ScratchRun.runAndExit("boot", (started, dir) -> new BootBench(n, started, dir).run());
    }

    private int run() throws Exception {
        LocalKafkaCluster broker = started.add(TestKafka.startPrivateCluster(dir));
        kafka = broker.bootstrapServers();
        Cluster withSnapshots = new Cluster("boot-snapshots");
        Cluster without = new Cluster("boot-no-snapshots");
        GatewayConfig withoutConfig = config(without, 0, 0);
        Topics.ensure(withoutConfig);
        int every = withoutConfig.presenceSnapshotEvery();
        progress("starting the eldest gateway of the cluster with snapshots");
        start("eldest", withSnapshots);

        PresenceHistory history = new PresenceHistory();
        List<Cluster> clusters = List.of(withSnapshots, without);
        List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
        Thread heartbeats = null;
        try {
            for (int g = 0; g < PresenceHistory.GATEWAYS; g++) {
                producers.add(producer());
            }
            heartbeats = Thread.ofVirtual().name("history-heartbeats")
                .start(() -> keepBeating(history, producers.getFirst(), clusters));
            long end = fill(history, records, producers, clusters);
            SnapshotCodec.AtOffset snapshot = awaitSnapshot(withSnapshots, end - every);
            // Half an interval of records after the snapshot, as a gateway starting at a moment picked at random finds.
            fill(history, (int) Math.max(0, every / 2 - (end - snapshot.offset())), producers, clusters);
            printHistory(history, snapshot);
            List<Start> fromSnapshot = new ArrayList<>();
            List<Start> fromFirst = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                progress("start " + run + " of " + RUNS + " from the newest snapshot");
                fromSnapshot.add(measure("snapshot-" + run, withSnapshots));
                progress("start " + run + " of " + RUNS + " from the first record");
                fromFirst.add(measure("first-" + run, without));
            }
            printStarts(fromSnapshot, fromFirst);
        } finally {
            if (heartbeats != null) {
                heartbeats.interrupt();
            }
            producers.forEach(KafkaProducer::close);
        }
        return 0;
    }

    private GatewayConfig config(Cluster cluster, int port, int adminPort) throws Exception {
        return GatewayConfig.parse(gatewayArgs("bench-" + cluster.topic(), cluster, port, adminPort)
            .toArray(String[]::new), Map.of());
    }

    private List<String> gatewayArgs(String id, Cluster cluster, int port, int adminPort) {
        return List.of("--kafka", kafka, "--id", id, "--host", "127.0.0.1", "--port", Integer.toString(port),
            "--admin-port", Integer.toString(adminPort), "--topic", cluster.topic(),
            "--presence-topic", cluster.presenceTopic(), "--history-url", "http://127.0.0.1:1");
    }

    /** Starts a gateway process on the cluster; returns it, and the time to its first 200 on /health, once there. */
    private Map.Entry<Process, Long> start(String name, Cluster cluster) throws IOException, InterruptedException {
        int port = LocalServices.freePort();
        int adminPort = LocalServices.freePort();
        long begun = System.nanoTime();
        Process gateway = LocalServices.startJava(started, dir, name, HEAP, GatewayMain.class.getName(),
            gatewayArgs(name, cluster, port, adminPort));
        LocalServices.awaitHealthy(name, gateway, adminPort, log(name), STARTUP);
        return Map.entry(gateway, (System.nanoTime() - begun) / 1_000_000);
    }

    private Start measure(String name, Cluster cluster) throws IOException, InterruptedException {
        Map.Entry<Process, Long> gateway = start(name, cluster);
        gateway.getKey().destroy();
        if (!gateway.getKey().waitFor(10, TimeUnit.SECONDS)) {
            gateway.getKey().destroyForcibly();
        }
        Matcher replay = REPLAYED.matcher(Files.readString(log(name)));
        if (!replay.find()) {
            throw new IOException(name + " logged no replay; see " + log(name));
        }
        return new Start(replay.group(2) == null ? -1 : Long.parseLong(replay.group(2)),
            Long.parseLong(replay.group(3)), Long.parseLong(replay.group(4)), gateway.getValue());
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /**
     * Writes {@code count} records of the history to each cluster's presence topic, each gateway's through a producer of its own
     * as in a deployment. The producers wait for one another every {@link #IN_STEP} records, so that no gateway's
     * records run ahead of the others' by more than a moment of log time: its heartbeats would then be seconds apart
     * in the log, and its lease lapse. Returns the first cluster's end offset.
     */
    private long fill(PresenceHistory history, int count, List<KafkaProducer<byte[], byte[]>> producers,
                      List<Cluster> clusters) {
        progress("writing " + count + " presence records to each cluster");
        for (int i = 0; i < count; i++) {
            PresenceHistory.Written next = history.next();
            byte[] key = PresenceCodec.key(next.record());
            byte[] value = PresenceCodec.encode(next.record());
            for (Cluster cluster : clusters) {
                producers.get(next.gateway()).send(new ProducerRecord<>(cluster.presenceTopic(), 0, key, value));
            }
            if ((i + 1) % IN_STEP == 0) {
                producers.forEach(KafkaProducer::flush);
            }
            if ((i + 1) % 100_000 == 0) {
                progress((i + 1) + " records written");
            }
        }
        producers.forEach(KafkaProducer::flush);
        return endOffset(clusters.getFirst());
    }

    private long endOffset(Cluster cluster) {
        TopicPartition presence = new TopicPartition(cluster.presenceTopic(), 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(presence), Duration.ofSeconds(30)).get(presence);
        }
    }

    private static void keepBeating(PresenceHistory history, KafkaProducer<byte[], byte[]> producer,
                                    List<Cluster> clusters) {
        try {
            while (true) {
                for (PresenceRecord beat : history.heartbeats(false)) {
                    for (Cluster cluster : clusters) {
                        producer.send(new ProducerRecord<>(cluster.presenceTopic(), 0, PresenceCodec.key(beat),
                            PresenceCodec.encode(beat)));
                    }
                }
                Thread.sleep(2_000);
            }
        } catch (InterruptedException e) {
            // The bench is done.
        }
    }

    /**
     * The eldest gateway's newest snapshot, once it covers the records below {@code wanted}. Meanwhile the history's
     * gateways heartbeat on, so their sessions stay in the state it snapshots.
     */
    private SnapshotCodec.AtOffset awaitSnapshot(Cluster cluster, long wanted) throws InterruptedException {
        progress("waiting for the eldest gateway to follow the history and write its snapshot");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SnapshotCodec.AtOffset> newest = PresenceSnapshots.newest(kafka, "boot-bench",
                cluster.presenceTopic(), Duration.ofSeconds(30));
            if (newest.isPresent() && newest.get().offset() >= wanted) {
                return newest.get();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no snapshot covering the records below " + wanted + " within " + STARTUP
            + "; see " + log("eldest"));
    }

    /**
     * The history's writer: a batch of its own for every record, as the gateways' presence producers write them (no
     * linger, a record every 2 s); many requests in flight instead, which on a broker of the bench's own, with nothing
     * to retry, keep their order.
     */
    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
            ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 64, ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.BATCH_SIZE_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void printHistory(PresenceHistory history, SnapshotCodec.AtOffset snapshot) {
        System.out.printf("%nboot: two clusters with the same presence history of %,d records %s; at its end %s%n",
            history.counts().values().stream().mapToInt(Integer::intValue).sum(), history.counts(), history.holdings());
        System.out.printf("the eldest gateway's newest snapshot: offset %,d, %,d sessions, %,d accounts, %,d bytes"
                + " compressed%n%n", snapshot.offset(), snapshot.snapshot().sessions().size(),
            snapshot.snapshot().accounts().size(), SnapshotCodec.encode(snapshot).length);
    }

    private static void printStarts(List<Start> fromSnapshot, List<Start> fromFirst) {
        System.out.printf("%-28s %5s %18s %22s %22s%n", "a gateway starts", "run", "records replayed",
            "restore + replay (ms)", "to /health 200 (ms)");
        for (List<Start> starts : List.of(fromSnapshot, fromFirst)) {
            for (int i = 0; i < starts.size(); i++) {
                Start s = starts.get(i);
                String from = s.snapshotOffset() < 0 ? "from the first record" : "from the newest snapshot";
                System.out.printf("%-28s %5d %,18d %,22d %,22d%n", from, i + 1, s.replayed(), s.replayMillis(),
                    s.upMillis());
            }
        }
    }

    private void progress(String what) {
        System.out.printf("[%4d s] %s%n", (System.nanoTime() - startNanos) / 1_000_000_000L, what);
    }
}
