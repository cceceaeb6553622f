package chat.ops.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar local-kafka.jar up --data DIR --brokers N --logs DIR [--first-port P]}: starts the cluster's
 * brokers as background processes that outlive this command (their pids go to {@code DIR/node-N.pid}), waits until
 * they serve clients, and prints the bootstrap servers. Stopping is {@code ops/chat down}'s job.
 */
public final class LocalKafkaMain {
    private static final String USAGE = """
        usage: java -jar local-kafka.jar up --data DIR --brokers 1|3 --logs DIR [--first-port PORT]

        Starts a real Kafka cluster in KRaft mode on 127.0.0.1 from the broker jars, formatting DIR once.
        Node n listens on PORT+2(n-1) for clients (default PORT 19092) and on the port after for its controller.
        The brokers run on in the background; this prints their bootstrap servers once they serve clients.""";

    private LocalKafkaMain() {}

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("up")) {
            System.out.println(USAGE);
            System.exit(args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2);
        }
        Map<String, String> options = new HashMap<>(Map.of("--brokers", "1", "--first-port", "19092"));
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length || !args[i].startsWith("--")) {
                fail("bad option " + args[i]);
            }
            options.put(args[i], args[++i]);
        }
        if (!options.containsKey("--data") || !options.containsKey("--logs")) {
            fail("--data and --logs are needed");
        }
        try {
            LocalKafkaCluster cluster = LocalKafkaCluster.start(new LocalKafkaCluster.Settings(
                Path.of(options.get("--data")), Integer.parseInt(options.get("--brokers")),
                Integer.parseInt(options.get("--first-port")), Path.of(options.get("--logs"))));
            System.out.println(cluster.bootstrapServers());
        } catch (RuntimeException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("local-kafka: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
