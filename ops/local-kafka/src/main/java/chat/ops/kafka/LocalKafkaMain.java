package chat.ops.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar local-kafka.jar up --data DIR --brokers N --logs DIR [--first-port P]}: makes the cluster in DIR run
 * whole at N brokers, starting only the nodes that are down (each carries {@code -Dchat.part=DIR/node-N} on its command
 * line, which is how this and {@code ops/chat} find it) and growing or shrinking a cluster of another size in place.
 * The nodes outlive this command. It says what it does on stderr and prints the bootstrap servers on stdout once every
 * node answers. Stopping is {@code ops/chat down}'s job.
 */
public final class LocalKafkaMain {
    private static final String USAGE = """
        usage: java -jar local-kafka.jar up --data DIR --brokers 1|3 --logs DIR [--first-port PORT]

        Runs a real Kafka cluster in KRaft mode on 127.0.0.1 from the broker jars, formatting DIR once, and starts
        only the nodes of it that are down. A cluster in DIR of the other size grows or shrinks to the one asked for,
        keeping every record. Node n listens on PORT+2(n-1) for clients (default PORT 19092) and on the port after for
        its controller. The brokers run on in the background; this prints their bootstrap servers once each answers.""";

    private LocalKafkaMain() {}

    public static void main(String[] args) {
        // The admin client logs each refused connection while the brokers start; that is expected then, and what
        // stays wrong is reported by the cluster's own wait instead.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
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
                Integer.parseInt(options.get("--first-port")), Path.of(options.get("--logs"))), System.err::println);
            System.out.println(cluster.bootstrapServers());
        } catch (RuntimeException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void fail(String message) {
        System.err.println("local-kafka: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
