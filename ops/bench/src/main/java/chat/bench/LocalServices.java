package chat.bench;

import chat.testkit.LocalHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The services a bench starts on this machine: a free port for each, a JVM of its own for each, and the wait until
 * one says it is up.
 */
public final class LocalServices {
    /** How often a starting service is asked whether it is up: often enough to time a start by. */
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);

    /** Connections a bench opens from each loopback address, below the gateway's default limit of 256 an address. */
    public static final int CLIENTS_PER_ADDRESS = 200;

    private LocalServices() {}

    /**
     * The local address of a bench's client {@code n}: 127.0.0.2 and up, {@value #CLIENTS_PER_ADDRESS} clients an
     * address, so the gateway's per-address limit holds as it would in a deployment.
     */
    public static InetSocketAddress clientAddress(int n) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {
            127, 0, (byte) (n / CLIENTS_PER_ADDRESS / 254), (byte) (2 + n / CLIENTS_PER_ADDRESS % 254)}), 0);
    }

    /** A service of ours in a JVM of its own on this bench's class path, its output in {@code dir/NAME.log}. */
    public static Process startJava(StartedProcesses started, Path dir, String name, String heap, String mainClass,
                             List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Time-stamped, so that what a service did can be laid beside the moments the bench's faults struck.
        List<String> command = new ArrayList<>(List.of(java, heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", "-cp", System.getProperty("java.class.path"),
            mainClass));
        command.addAll(args);
        return started.start(command, dir.resolve(name + ".log"));
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until the service {@code name}, started as {@code process} with its output in {@code log}, answers 200 on
     * its admin port's {@code /health}; throws, with its log, if it exits first, or if {@code patience} runs out.
     */
    public static void awaitHealthy(String name, Process process, int adminPort, Path log, Duration patience)
        throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited; its log, " + log + ":\n" + Files.readString(log));
            }
            try {
                if (LocalHttp.get(adminPort, "/health").statusCode() == 200) {
                    return;
                }
            } catch (AssertionError notYet) {
                // The admin port is not open yet.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " was not healthy within " + patience.toSeconds() + " s; see " + log);
            }
            Thread.sleep(PROBE_INTERVAL);
        }
    }

    /** The broker of the bench's Kafka cluster: a child process of this JVM, {@code kafka.Kafka}. */
    public static long brokerPid() throws IOException {
        List<Long> brokers = ProcessHandle.current().children()
            .filter(p -> (" " + ProcFs.commandLine(p.pid()) + " ").contains(" kafka.Kafka "))
            .map(ProcessHandle::pid).toList();
        if (brokers.size() != 1) {
            throw new IOException("expected one Kafka broker below this JVM, found " + brokers.size());
        }
        return brokers.getFirst();
    }
}
