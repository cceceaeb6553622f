package chat.chaos;

import chat.bench.ScratchRun;
import chat.ops.kafka.LocalKafkaCluster;
import chat.settings.UsageException;
import chat.testkit.TestKafka;
import java.util.List;

/**
 * {@code ops/chat chaos fuzz}: a {@link Fuzzer} run on a stack of its own, in a scratch directory: a one-node Kafka,
 * the history service and one gateway ({@value FuzzGateway#HEAP}), each a process. Prints the report; exits 0 when it
 * passed, 1 when it did not (the processes' logs are kept then), 2 on a usage error.
 */
public final class FuzzMain {
    private FuzzMain() {}

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(FuzzSettings.usage());
            System.exit(0);
        }
        FuzzSettings settings;
        try {
            settings = FuzzSettings.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("ops/chat chaos fuzz: " + e.getMessage());
            System.err.print(FuzzSettings.usage());
            System.exit(2);
            return;
        }
        ScratchRun.runAndExit("fuzz", (started, dir) -> {
            System.out.println("starting a Kafka broker, the history service and a gateway (" + FuzzGateway.HEAP
                + "), logs in " + dir);
            LocalKafkaCluster kafka = started.add(TestKafka.startPrivateCluster(dir.resolve("kafka")));
            FuzzTarget target = FuzzGateway.start(kafka.bootstrapServers(), "fuzz", true, started, dir);
            System.out.printf("fuzzing the gateway on port %d: %,d frames from %d connections, seed %d%n", target.port(),
                settings.frames(), settings.connections(), settings.seed());
            FuzzReport report = Fuzzer.run(settings, target, System.out);
            report.print(System.out);
            return report.passed() ? 0 : 1;
        });
    }
}
