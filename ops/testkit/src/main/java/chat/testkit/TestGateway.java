package chat.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A gateway for a test, as its command line: a Kafka cluster (the test run's unless another is given), its id, a
 * port picked free, a chat topic of three partitions with its presence topic beside it, and the history service it
 * asks (none unless given), each test adding its own flags after these. It starts either in the test's JVM, fast and
 * open to inspection, or in a JVM of its own, for a test that kills or freezes it. The in-process start is the
 * gateway module's own, passed in ({@link Starter}): the gateway's tests depend on this kit, so the kit cannot
 * depend on the gateway. Immutable: one description starts as many gateways as wanted.
 *
 * @param moreArgs the test's own flags, after the common ones (so a flag given here wins: {@code --port 7005})
 */
public record TestGateway(String kafka, String id, String topic, String historyUrl, List<String> moreArgs) {
    /** Where no history service answers: the gateway's joins replay nothing and say history unavailable. */
    public static final String NO_HISTORY = "http://127.0.0.1:1";
    /** For tests that send hundreds of frames at once on purpose: the rate limits are tested on their own. */
    public static final List<String> UNLIMITED_RATE = List.of("--rate", "1000000", "--burst", "1000000");
    /** Named, not referred to, for the reason above. */
    private static final String MAIN_CLASS = "chat.gateway.GatewayMain";

    /**
     * Starts a gateway in the test's JVM from its command line, as the gateway module does ({@code Gateway::start}).
     *
     * @param <G> the gateway
     */
    @FunctionalInterface
    public interface Starter<G> {
        G start(String[] args) throws Exception;
    }

    public TestGateway {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(historyUrl, "historyUrl");
        moreArgs = List.copyOf(moreArgs);
    }

    /** A gateway on the test run's Kafka, with no history service. */
    public static TestGateway of(String id, String topic) {
        return on(TestKafka.bootstrapServers(), id, topic);
    }

    /** A gateway on a Kafka cluster of the test's own, with no history service. */
    public static TestGateway on(String kafka, String id, String topic) {
        return new TestGateway(kafka, id, topic, NO_HISTORY, List.of());
    }

    /** A chat topic no other test uses, so that tests sharing one broker never see each other's events. */
    public static String freshTopic() {
        return "test-" + UUID.randomUUID();
    }

    /** The presence topic of the gateways of one test: they share it, and so form one cluster. */
    public static String presenceTopicOf(String topic) {
        return topic + "-presence";
    }

    /** The same gateway, asking the history service at {@code url}. */
    public TestGateway history(String url) {
        return new TestGateway(kafka, id, topic, url, moreArgs);
    }

    /** The same gateway with more flags of the test's own. */
    public TestGateway with(String... args) {
        return with(List.of(args));
    }

    /** The same gateway with more flags of the test's own. */
    public TestGateway with(List<String> args) {
        List<String> all = new ArrayList<>(moreArgs);
        all.addAll(args);
        return new TestGateway(kafka, id, topic, historyUrl, all);
    }

    /** The whole command line. */
    public List<String> args() {
        List<String> args = new ArrayList<>(List.of("--kafka", kafka, "--id", id, "--port", "0", "--topic", topic,
            "--partitions", "3", "--presence-topic", presenceTopicOf(topic), "--history-url", historyUrl));
        args.addAll(moreArgs);
        return args;
    }

    /**
     * Starts the gateway in the test's JVM, once it listens.
     *
     * @throws IllegalStateException naming the gateway, with what stopped it as the cause
     */
    public <G> G start(Starter<G> starter) {
        try {
            return starter.start(args().toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("gateway " + id + " did not start", e);
        }
    }

    /** Starts the gateway in a JVM of its own, from the test's class path, its output in a log file in {@code logDir}. */
    public JavaProcess startProcess(Path logDir) {
        return JavaProcess.start(id, MAIN_CLASS, args(), logDir);
    }
}
