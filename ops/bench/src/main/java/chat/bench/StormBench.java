package chat.bench;

import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code ops/chat bench storm [N]}: a {@link ReconnectStorm} of N sessions (5,000 by default) in 50 rooms. */
public final class StormBench {
    private static final String USAGE = "usage: ops/chat bench storm [N]   (default 5000 sessions on the gateway killed)\n";

    private StormBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        int sessions = CountArgument.parse(args, 5_000, 2, USAGE);
        StartedProcesses started = new StartedProcesses();
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "storm-bench-stop"));
        int status = 0;
        try {
            Path dir = Files.createTempDirectory("chat-bench-storm");
            System.out.println("starting a Kafka broker, the history service and three gateways (logs in " + dir + ")");
            LocalKafkaCluster kafka = started.add(TestKafka.startPrivateCluster(dir.resolve("kafka")));
            ReconnectStorm.Report r = ReconnectStorm.run(new ReconnectStorm.Settings(sessions, 50, 2,
                Duration.ofSeconds(5), Duration.ofSeconds(5)), kafka.bootstrapServers(), started, dir);
            System.out.printf("%d sessions in %d rooms on the first of %s; it gets SIGKILL, they resume on the other two%n",
                r.sessions(), r.rooms(), r.description());
            System.out.printf("  kill -> welcomed back   p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms%n",
                Percentiles.millis(r.welcomedNanos(), 50), Percentiles.millis(r.welcomedNanos(), 99),
                Percentiles.millis(r.welcomedNanos(), 100));
            System.out.printf("  kill -> replay done     p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms%n",
                Percentiles.millis(r.backNanos(), 50), Percentiles.millis(r.backNanos(), 99),
                Percentiles.millis(r.backNanos(), 100));
            System.out.printf("  %d messages acked while it happened: lost %d, doubled (dropped by seq) %d, out of order %d%n",
                r.sent(), r.lost(), r.doubled(), r.outOfOrder());
            System.out.printf("  joins and leaves the rooms' senders were told of: %d (a session that kept its rooms shows"
                + " neither)%n", r.joinsAndLeavesSeen());
        } catch (Exception e) {
            System.err.println("bench storm failed: " + e);
            status = 1;
        } finally {
            started.close();
        }
        System.exit(status);
    }
}
