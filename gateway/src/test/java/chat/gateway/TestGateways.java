package chat.gateway;

import chat.testkit.TestKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Starts in-process gateways on free ports against the test run's Kafka, each test class on a topic of its own. */
final class TestGateways {
    private TestGateways() {}

    static String freshTopic() {
        return "it-" + UUID.randomUUID();
    }

    /** Gateways of one test share a cluster: the chat topic and its presence topic. */
    static String presenceTopicOf(String topic) {
        return topic + "-presence";
    }

    /** Where no history service answers: these gateways' joins replay nothing and say history unavailable. */
    static final String NO_HISTORY = "http://127.0.0.1:1";

    /** For tests that send hundreds of frames at once on purpose: rate limits are {@link AbuseLimitsIT}'s business. */
    static final String[] UNLIMITED_RATE = {"--rate", "1000000", "--burst", "1000000"};

    static Gateway start(String id, String topic, String... extraArgs) {
        return startOn(TestKafka.bootstrapServers(), id, topic, extraArgs);
    }

    static Gateway startOn(String kafka, String id, String topic, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
            "--kafka", kafka, "--id", id, "--port", "0", "--topic", topic, "--partitions", "3",
            "--presence-topic", presenceTopicOf(topic), "--history-url", NO_HISTORY));
        args.addAll(List.of(extraArgs));
        try {
            return Gateway.start(GatewayConfig.parse(args.toArray(String[]::new), Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException("gateway " + id + " did not start", e);
        }
    }
}
