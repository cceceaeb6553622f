package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.ops.kafka.ProcessTable;
import chat.protocol.ClientFrame;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestTls;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command stack as a newcomer runs it: {@code ops/chat up} starts Kafka, the history service and a gateway,
 * says ready once they all answer, and prints no warning on the way; its readiness probes leave no trace in the
 * gateway's connection metrics; two clients chat through it; {@code status} sees every part; {@code down} leaves no
 * process behind. It runs on data and ports of its own ({@code CHAT_DATA_DIR}, {@code CHAT_PORT_SHIFT}), beside any
 * stack the developer runs, with a {@code mvn} that fails first on the PATH: it runs the jars this build made.
 */
class OpsChatStackIT {
    /**
     * The stack's ports, before the shift: gateway, its admin port, its TLS port, history, its admin port, Kafka, its
     * controller.
     */
    private static final int[] PORTS = {7001, 8001, 9001, 7100, 8100, 19092, 19093};

    @TempDir
    Path dir;

    @Test
    void upStartsAStackThatChatsQuietlyAndDownLeavesNothingRunning() throws Exception {
        int shift = freeShift();
        Path data = dir.resolve("data");
        try {
            Run up = opsChat(shift, "up", "--gateways", "1");
            assertEquals(0, up.exitCode(), up.output());
            assertTrue(up.output().contains("ready."), up.output());
            assertFalse(up.output().contains("WARN"), "no warning when nothing is wrong:\n" + up.output());

            ScrapedMetrics metrics = ScrapedMetrics.scrape(8001 + shift);
            assertEquals(0, metrics.value("chat_gateway_connections_opened_total"),
                "the readiness probes opened no client connection:\n" + up.output());
            assertEquals(0, metrics.value("chat_gateway_connections_closed_total", "reason=\"client_gone\""));

            Run status = opsChat(shift, "status");
            assertEquals(0, status.exitCode(), status.output());
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith("kafka-1") && l.endsWith("running")),
                status.output());
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith("history") && l.contains(" reading")),
                status.output());
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith("gw1") && l.contains(" up")), status.output());

            assertTrue(status.output().lines().anyMatch(l -> l.startsWith("gw1") && l.contains(":" + (9001 + shift))),
                "status shows the TLS port:\n" + status.output());
            for (String secret : List.of("history-secret", "tls/ca-key.pem", "tls/gateway-key.pem")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(secret))),
                    secret + " is readable by its owner only");
            }

            try (ChatTestClient alice = ChatTestClient.login(7001 + shift, "alice");
                 ChatTestClient bob = ChatTestClient.connectTls(9001 + shift, new TestTls(data.resolve("tls")).clientContext())) {
                bob.send(new ClientFrame.Hello("bob", 1, null, null));
                bob.next(ServerFrame.Welcome.class);
                alice.join("lobby");
                bob.join("lobby");
                alice.say("lobby", "hello bob", "a1");
                assertEquals("hello bob", bob.nextMatching(ServerFrame.Message.class, m -> m.id().equals("a1")).text(),
                    "from a plain client to a TLS one, trusting the stack's data/tls/ca.pem");
            }
            try (ChatTestClient carol = ChatTestClient.login(7001 + shift, "carol")) {
                assertEquals(1, carol.joinAndReplay("lobby", null).messages().stream()
                    .filter(m -> m instanceof ServerFrame.Message msg && msg.id().equals("a1")).count(),
                    "the history, read with the stack's secret, replays what was said");
            }
        } finally {
            Run down = opsChat(shift, "down");
            assertEquals(0, down.exitCode(), down.output());
            assertEquals(List.of(), processesOf(data), "down stopped every part:\n" + down.output());
        }
    }

    private record Run(int exitCode, String output) {}

    private Run opsChat(int shift, String... command) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho 'this stack runs the jars the build made' >&2\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = new ArrayList<>(List.of("bash", Repository.root().resolve("ops/chat").toString()));
        args.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("CHAT_DATA_DIR", dir.resolve("data").toString());
        builder.environment().put("CHAT_PORT_SHIFT", Integer.toString(shift));
        builder.environment().remove("HISTORY_DB_URL");
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ops/chat " + String.join(" ", command) + " did not end within 240 s:\n" + output);
        }
        return new Run(process.exitValue(), output);
    }

    /** A shift that puts every port of the stack on a free port below the ephemeral range. */
    private static int freeShift() {
        for (int shift = 10_000; shift <= 13_000; shift += 250) {
            if (allFree(shift)) {
                return shift;
            }
        }
        throw new AssertionError("no free set of ports for a second stack");
    }

    private static boolean allFree(int shift) {
        for (int port : PORTS) {
            try (ServerSocket ignored = new ServerSocket(port + shift, 1, InetAddress.getLoopbackAddress())) {
                // Bound: the port is free.
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The running processes that carry this stack's mark, each as its pid. */
    private static List<Long> processesOf(Path data) {
        String mark = "-Dchat.part=" + data + "/";
        return ProcessTable.matching(words -> words.stream().anyMatch(w -> w.startsWith(mark))).stream()
            .map(ProcessHandle::pid).toList();
    }
}
