package chat.testkit;

import chat.ops.kafka.LocalKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one real Kafka broker of a test run (one test JVM), started on first use and stopped when the JVM exits.
 * {@code CHAT_TEST_KAFKA_BOOTSTRAP=HOST:PORT,...} uses a cluster that is already running; {@code
 * CHAT_TEST_KAFKA=testcontainers} starts Kafka in a container where a Docker engine answers; otherwise a one-node
 * {@link LocalKafkaCluster} runs from the broker jars on free ports in a temporary directory. Thread-safe.
 */
public final class TestKafka {
    private static String bootstrapServers;

    private TestKafka() {}

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = startShared();
            System.out.println("[testkit] tests use Kafka at " + bootstrapServers);
        }
        return bootstrapServers;
    }

    /** A cluster of the test's own, to stop and restart without disturbing other tests. The caller closes it. */
    public static LocalKafkaCluster startPrivateCluster(Path dir) {
        return LocalKafkaCluster.start(new LocalKafkaCluster.Settings(dir.resolve("data"), 1, 0, dir.resolve("logs")));
    }

    private static String startShared() {
        String existing = setting("CHAT_TEST_KAFKA_BOOTSTRAP");
        if (existing != null) {
            return existing;
        }
        if ("testcontainers".equals(setting("CHAT_TEST_KAFKA"))) {
            var container = new org.testcontainers.kafka.KafkaContainer("apache/kafka:4.1.0");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-stop"));
            return container.getBootstrapServers();
        }
        try {
            Path dir = Files.createTempDirectory("chat-test-kafka");
            LocalKafkaCluster cluster = startPrivateCluster(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cluster.close();
                deleteRecursively(dir);
            }, "test-kafka-stop"));
            return cluster.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
