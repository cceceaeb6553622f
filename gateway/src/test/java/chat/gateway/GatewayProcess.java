package chat.gateway;

import chat.testkit.ChatTestClient;
import chat.testkit.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A gateway in a process of its own, so a test can kill it as the kernel would: SIGKILL, no goodbye. */
final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");

    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static GatewayProcess start(String id, String topic, Path logDir) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            GatewayMain.class.getName(), "--kafka", TestKafka.bootstrapServers(), "--id", id, "--port", "0",
            "--topic", topic, "--partitions", "3", "--presence-topic", TestGateways.presenceTopicOf(topic)));
        Path log = logDir.resolve(id + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new GatewayProcess(process, awaitPort(process, log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int awaitPort(Process process, Path log) throws IOException {
        Instant deadline = Instant.now().plus(ChatTestClient.TIMEOUT).plus(ChatTestClient.TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway process exited: " + Files.readString(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("gateway process did not start listening: " + Files.readString(log));
    }

    int port() {
        return port;
    }

    /** SIGKILL: the gateway gets no chance to say anything to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
