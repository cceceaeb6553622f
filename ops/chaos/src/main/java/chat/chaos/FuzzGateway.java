package chat.chaos;

import chat.bench.LocalServices;
import chat.bench.StartedProcesses;
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
 * A gateway to fuzz: a JVM of its own run from this class path with a modest heap ({@value #HEAP}), on a Kafka's topics
 * of its own, with its default limits (the rate limit among them) but for the idle limit, which it keeps too. With the
 * history service (SQLite, in the run's directory), joins replay real history; without it, they say the history is
 * unavailable, which is quicker to start. Started and stopped with the caller's {@link StartedProcesses}.
 */
final class FuzzGateway {
    static final String HEAP = "-Xmx256m";
    private static final String HISTORY_HEAP = "-Xmx256m";
    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** Where nothing answers: a gateway without the history service says the history is unavailable. */
    private static final String NO_HISTORY = "http://127.0.0.1:1";

    private FuzzGateway() {}

    /** Starts the gateway (and the history service first, if asked) on {@code kafka}; returns once it is healthy. */
    static FuzzTarget start(String kafka, String topic, boolean withHistory, StartedProcesses started, Path dir)
        throws IOException, InterruptedException {
        List<String> history = new ArrayList<>(List.of("--history-url", NO_HISTORY));
        Process historyProcess = null;
        int historyAdmin = 0;
        if (withHistory) {
            Path secret = dir.resolve("history-secret");
            byte[] secretBytes = new byte[24];
            new SecureRandom().nextBytes(secretBytes);
            Files.writeString(secret, HexFormat.of().formatHex(secretBytes), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            int historyPort = LocalServices.freePort();
            historyAdmin = LocalServices.freePort();
            historyProcess = LocalServices.startJava(started, dir, "history", HISTORY_HEAP, HistoryMain.class.getName(),
                List.of("--kafka", kafka, "--topic", topic, "--group", topic + "-history",
                    "--db-url", "jdbc:sqlite:" + dir.resolve("history.db"), "--port", Integer.toString(historyPort),
                    "--admin-port", Integer.toString(historyAdmin), "--api-secret-file", secret.toString()));
            history = List.of("--history-url", "http://127.0.0.1:" + historyPort, "--history-secret-file",
                secret.toString());
        }
        int port = LocalServices.freePort();
        int admin = LocalServices.freePort();
        List<String> args = new ArrayList<>(List.of("--kafka", kafka, "--id", topic + "-gw", "--host", "127.0.0.1",
            "--port", Integer.toString(port), "--admin-port", Integer.toString(admin), "--topic", topic,
            "--presence-topic", topic + "-presence"));
        args.addAll(history);
        Process gateway = LocalServices.startJava(started, dir, "gateway", HEAP, GatewayMain.class.getName(), args);
        // The gateway makes the topics; the history service reads them once they exist.
        LocalServices.awaitHealthy("gateway", gateway, admin, dir.resolve("gateway.log"), STARTUP);
        if (historyProcess != null) {
            LocalServices.awaitHealthy("history", historyProcess, historyAdmin, dir.resolve("history.log"), STARTUP);
        }
        return new FuzzTarget("127.0.0.1", port, admin, gateway.pid());
    }
}
