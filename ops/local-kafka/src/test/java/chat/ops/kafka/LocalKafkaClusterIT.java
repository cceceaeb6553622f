package chat.ops.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launcher finds the nodes of its directory that run, wherever they were started, and starts only the others; and
 * a cluster grows from one node to three and shrinks back with every record at its offset and every committed group
 * offset kept. Each test runs its own cluster on a block of ports it picked.
 */
class LocalKafkaClusterIT {
    private static final String TOPIC = "events";
    private static final String GROUP = "readers";

    @TempDir
    Path dir;

    @AfterEach
    void killWhatRunsOnTheTestsData() {
        // A failed test must not leave brokers behind: every node's command line names its data directory.
        String data = dir.toString();
        ProcessTable.matching(words -> String.join(" ", words).contains(data)).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void aLaterLauncherStartsOnlyTheNodesThatAreDownAndTheClusterServesWhole() throws Exception {
        var settings = new LocalKafkaCluster.Settings(dir.resolve("data"), 3, freePortBlock(), dir.resolve("logs"));
        LocalKafkaCluster first = LocalKafkaCluster.start(settings);
        long survivor = nodeProcesses(1).getFirst().pid();
        first.killBroker(2);
        first.killBroker(3);

        try (LocalKafkaCluster second = LocalKafkaCluster.start(settings)) {
            assertEquals(List.of(survivor), nodeProcesses(1).stream().map(ProcessHandle::pid).toList(),
                "the node that ran is kept, and no second one started beside it");
            for (int node : List.of(2, 3)) {
                assertEquals(1, nodeProcesses(node).size(), "kafka-" + node + " runs again, once");
            }
            try (Admin admin = admin(second.bootstrapServers())) {
                assertEquals(Set.of(1, 2, 3), admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet()));
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            }
            produce(second.bootstrapServers(), 10, "after the restart");
        }
    }

    @Test
    void growingToThreeNodesAndShrinkingBackKeepsEveryRecordAtItsOffset() throws Exception {
        int firstPort = freePortBlock();
        var one = new LocalKafkaCluster.Settings(dir.resolve("data"), 1, firstPort, dir.resolve("logs"));
        var three = new LocalKafkaCluster.Settings(dir.resolve("data"), 3, firstPort, dir.resolve("logs"));

        LocalKafkaCluster single = LocalKafkaCluster.start(one);
        try (Admin admin = admin(single.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<TopicPartition, List<String>> written = new HashMap<>();
        record(written, produce(single.bootstrapServers(), 60, "on one node"));
        Map<TopicPartition, OffsetAndMetadata> committed = commitHalfOfEachPartition(single.bootstrapServers(), written);

        LocalKafkaCluster grown = LocalKafkaCluster.start(three);
        assertEquals("127.0.0.1:" + firstPort + ",127.0.0.1:" + (firstPort + 2) + ",127.0.0.1:" + (firstPort + 4),
            grown.bootstrapServers());
        assertReplicas(grown.bootstrapServers(), Set.of(1, 2, 3), "2");
        assertEquals(written, readAll(grown.bootstrapServers()), "every record at its offset after growing");
        assertEquals(committed, committedOffsets(grown.bootstrapServers()));
        record(written, produce(grown.bootstrapServers(), 30, "on three nodes"));
        assertEquals(written, readAll(grown.bootstrapServers()), "new records follow the old ones");

        try (LocalKafkaCluster shrunk = LocalKafkaCluster.start(one)) {
            assertEquals("127.0.0.1:" + firstPort, shrunk.bootstrapServers());
            assertTrue(nodeProcesses(2).isEmpty() && nodeProcesses(3).isEmpty(), "kafka-2 and kafka-3 stopped");
            assertReplicas(shrunk.bootstrapServers(), Set.of(1), "1");
            assertEquals(written, readAll(shrunk.bootstrapServers()), "every record at its offset after shrinking");
            assertEquals(committed, committedOffsets(shrunk.bootstrapServers()));
            record(written, produce(shrunk.bootstrapServers(), 30, "on one node again"));
            assertEquals(written, readAll(shrunk.bootstrapServers()));
        }
    }

    @Test
    void aThreeNodeClusterWithAStaticQuorumShrinksToOne() throws Exception {
        // A data directory formatted before the quorum was dynamic says 3 brokers and has no quorum file.
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data").resolve("brokers"), "3");
        int firstPort = freePortBlock();
        var three = new LocalKafkaCluster.Settings(dir.resolve("data"), 3, firstPort, dir.resolve("logs"));
        LocalKafkaCluster old = LocalKafkaCluster.start(three);
        assertTrue(Files.readString(dir.resolve("data/node-1.properties")).contains("controller.quorum.voters"));
        try (Admin admin = admin(old.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        Map<TopicPartition, List<String>> written = new HashMap<>();
        record(written, produce(old.bootstrapServers(), 30, "static"));

        try (LocalKafkaCluster shrunk = LocalKafkaCluster.start(
            new LocalKafkaCluster.Settings(dir.resolve("data"), 1, firstPort, dir.resolve("logs")))) {
            assertReplicas(shrunk.bootstrapServers(), Set.of(1), "1");
            assertEquals(written, readAll(shrunk.bootstrapServers()));
            record(written, produce(shrunk.bootstrapServers(), 10, "dynamic"));
            assertEquals(written, readAll(shrunk.bootstrapServers()));
        }
    }

    // ---- helpers ----

    /** The processes that run node {@code node} of the test's cluster, found by the configuration they were given. */
    private List<ProcessHandle> nodeProcesses(int node) {
        return ProcessTable.withArgument(dir.resolve("data").resolve("node-" + node + ".properties").toString());
    }

    private static void assertReplicas(String bootstrap, Set<Integer> replicas, String minInSync) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(TOPIC);
            for (TopicPartitionInfo partition : topic.partitions()) {
                assertEquals(replicas, partition.replicas().stream().map(Node::id).collect(Collectors.toSet()),
                    "replicas of partition " + partition.partition());
                assertEquals(replicas, partition.isr().stream().map(Node::id).collect(Collectors.toSet()),
                    "in-sync replicas of partition " + partition.partition());
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            assertEquals(minInSync, admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                .get(resource).get("min.insync.replicas").value());
            assertEquals(replicas, admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().map(Node::id)
                .collect(Collectors.toSet()), "the brokers the cluster lists");
        }
    }

    /** Writes {@code count} keyed records with acks=all and returns where each landed, in order. */
    private static List<Map.Entry<RecordMetadata, String>> produce(String bootstrap, int count, String prefix)
        throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        List<Map.Entry<RecordMetadata, String>> landed = new ArrayList<>();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = prefix + " " + i;
                landed.add(Map.entry(producer.send(new ProducerRecord<>(TOPIC, "room-" + i % 7, value))
                    .get(60, TimeUnit.SECONDS), value));
            }
        }
        return landed;
    }

    /** Adds records to what each partition holds, checking that each landed right after the one before. */
    private static void record(Map<TopicPartition, List<String>> written, List<Map.Entry<RecordMetadata, String>> landed) {
        for (var entry : landed) {
            TopicPartition partition = new TopicPartition(TOPIC, entry.getKey().partition());
            List<String> values = written.computeIfAbsent(partition, k -> new ArrayList<>());
            assertEquals(values.size(), entry.getKey().offset(), "the next offset of " + partition);
            values.add(entry.getValue());
        }
    }

    /** Every record of the topic by partition, in offset order, checking that offsets start at 0 without a gap. */
    private static Map<TopicPartition, List<String>> readAll(String bootstrap) {
        try (var consumer = new KafkaConsumer<>(consumerSettings(bootstrap, null), new StringDeserializer(),
            new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, List<String>> read = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < ends.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "read every record within 60 s");
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    List<String> values = read.computeIfAbsent(tp, k -> new ArrayList<>());
                    assertEquals(values.size(), r.offset(), "offsets of " + tp + " without a gap");
                    values.add(r.value());
                }
            }
            return read;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> commitHalfOfEachPartition(String bootstrap,
        Map<TopicPartition, List<String>> written) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        written.forEach((tp, values) -> offsets.put(tp, new OffsetAndMetadata(values.size() / 2)));
        try (var consumer = new KafkaConsumer<>(consumerSettings(bootstrap, GROUP), new StringDeserializer(),
            new StringDeserializer())) {
            consumer.commitSync(offsets, Duration.ofSeconds(60));
        }
        return offsets;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return new HashMap<>(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS));
        }
    }

    private static Properties consumerSettings(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return p;
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    /** The first of six consecutive ports free now (the block a cluster of up to three nodes uses). */
    private static int freePortBlock() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = 2 * ThreadLocalRandom.current().nextInt(10_000, 16_000);
            boolean free = true;
            for (int port = first; port < first + 6 && free; port++) {
                try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    // Free.
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no six free ports in a row");
    }
}
