package chat.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service of ours in a JVM of its own, run from the test's class path, so that a test can kill it as the kernel
 * would: SIGKILL, no goodbye. Its output goes to a log file; it counts as started once it prints
 * "listening on HOST:PORT", which gives its port.
 */
public final class JavaProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
    /** A gateway with TLS names its TLS port on the same line. */
    private static final Pattern TLS = Pattern.compile("TLS on [^ ]+:(\\d+)");
    private static final AtomicInteger STARTS = new AtomicInteger();

    private final Process process;
    private final int port;
    private final int tlsPort;

    private JavaProcess(Process process, int[] ports) {
        this.process = process;
        this.port = ports[0];
        this.tlsPort = ports[1];
    }

    public static JavaProcess start(String name, Class<?> mainClass, List<String> args, Path logDir) {
        return start(name, mainClass.getName(), args, logDir);
    }

    /** The same, for a main class this module cannot refer to (a service whose tests depend on this kit). */
    public static JavaProcess start(String name, String mainClass, List<String> args, Path logDir) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The service's own log level, whichever logging settings file comes first on the test's class path: its
        // "listening on" line is what tells that it started.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn", "-cp", System.getProperty("java.class.path"),
            mainClass));
        command.addAll(args);
        // One file per start, so that a test's logs survive the tests after it.
        Path log = logDir.resolve(name + "-" + STARTS.incrementAndGet() + "-" + ProcessHandle.current().pid() + ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<int[]> port = new CompletableFuture<>();
        Thread.ofVirtual().name(name + "-output").start(() -> copyOutput(process, log, port));
        try {
            return new JavaProcess(process, port.get(2 * ChatTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not start listening; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Keeps the process's output in its log file, and tells the port as soon as the service names it. */
    private static void copyOutput(Process process, Path log, CompletableFuture<int[]> port) {
        try (BufferedReader in = process.inputReader(StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.find()) {
                    Matcher tls = TLS.matcher(line);
                    port.complete(new int[] {Integer.parseInt(m.group(1)), tls.find() ? Integer.parseInt(tls.group(1)) : -1});
                }
            }
            port.completeExceptionally(new IllegalStateException("the process exited"));
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
    }

    public int port() {
        return port;
    }

    /** The TLS port a gateway named beside its port; -1 when it named none. */
    public int tlsPort() {
        return tlsPort;
    }

    /** SIGSTOP: the process hangs with its sockets open, as a gateway stuck in a long pause would. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: the service gets no chance to say anything to anyone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
