package chat.bench;

import chat.gateway.GatewayMain;
import chat.history.HistoryMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The chat as deployed, on a bench's Kafka: the history service (SQLite) and gateways, each a JVM of its own run from
 * the build's class path, so a bench measures whatever is built. The gateways present the history service's secret and
 * keep their default limits but for those a bench names, and for the idle timeout, lifted because a bench's clients
 * may listen without a word for the whole run. Started and stopped with the bench's {@link StartedProcesses}.
 */
final class ChatServices {
    private static final String GATEWAY_HEAP = "-Xmx1g";
    private static final String HISTORY_HEAP = "-Xmx512m";
    private static final Duration STARTUP = Duration.ofSeconds(120);

    /** A gateway's process and its client port. */
    record Gateway(String id, Process process, int port) {}

    private final Process history;
    private final List<Gateway> gateways;

    private ChatServices(Process history, List<Gateway> gateways) {
        this.history = history;
        this.gateways = gateways;
    }

    /**
     * Starts the history service and {@code count} gateways on {@code kafka}'s topic {@code topic}, each gateway with
     * {@code gatewayArgs} besides, and returns once all are healthy.
     */
    static ChatServices start(String kafka, String topic, int count, List<String> gatewayArgs, StartedProcesses started,
                              Path dir) throws IOException, InterruptedException {
        Path secret = dir.resolve("history-secret");
        byte[] secretBytes = new byte[24];
        new SecureRandom().nextBytes(secretBytes);
        Files.writeString(secret, HexFormat.of().formatHex(secretBytes), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        int historyPort = LocalServices.freePort();
        int historyAdmin = LocalServices.freePort();
        Process history = LocalServices.startJava(started, dir, "history", HISTORY_HEAP, HistoryMain.class.getName(),
            List.of("--kafka", kafka, "--topic", topic, "--group", topic + "-history",
                "--db-url", "jdbc:sqlite:" + dir.resolve("history.db"), "--port", Integer.toString(historyPort),
                "--admin-port", Integer.toString(historyAdmin), "--api-secret-file", secret.toString()));
        List<Gateway> gateways = new ArrayList<>();
        List<Integer> gatewayAdmins = new ArrayList<>();
        for (int g = 1; g <= count; g++) {
            int port = LocalServices.freePort();
            int admin = LocalServices.freePort();
            String id = topic + "-gw" + g;
            List<String> args = new ArrayList<>(List.of("--kafka", kafka, "--id", id, "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--admin-port", Integer.toString(admin),
                "--topic", topic, "--presence-topic", topic + "-presence",
                "--history-url", "http://127.0.0.1:" + historyPort, "--history-secret-file", secret.toString(),
                "--idle-timeout-ms", "3600000"));
            args.addAll(gatewayArgs);
            gateways.add(new Gateway(id, LocalServices.startJava(started, dir, "gateway-" + g, GATEWAY_HEAP,
                GatewayMain.class.getName(), args), port));
            gatewayAdmins.add(admin);
        }
        // The gateways make the topics; the history service reads them once they exist.
        for (int g = 0; g < gateways.size(); g++) {
            awaitStarted("gateway-" + (g + 1), gateways.get(g).process(), gatewayAdmins.get(g), dir);
        }
        awaitStarted("history", history, historyAdmin, dir);
        return new ChatServices(history, gateways);
    }

    List<Gateway> gateways() {
        return gateways;
    }

    int[] ports() {
        return gateways.stream().mapToInt(Gateway::port).toArray();
    }

    List<Long> gatewayPids() {
        return gateways.stream().map(g -> g.process().pid()).toList();
    }

    long historyPid() {
        return history.pid();
    }

    String description() {
        return gateways.size() + " gateways (" + GATEWAY_HEAP + "), the history service on SQLite, each a process of its own";
    }

    private static void awaitStarted(String name, Process process, int adminPort, Path dir)
        throws IOException, InterruptedException {
        LocalServices.awaitHealthy(name, process, adminPort, dir.resolve(name + ".log"), STARTUP);
    }
}
