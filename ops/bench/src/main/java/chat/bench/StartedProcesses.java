package chat.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything a bench starts (server processes, the Kafka cluster), stopped when the bench ends, however it
 * ends: {@link #close} runs from the bench's {@code finally} and from a shutdown hook (Ctrl-C), and only once. Parts
 * stop newest first, each with SIGTERM and, after 10 s, SIGKILL; then any process still running below this JVM (they
 * are all the bench's own) gets SIGKILL. Thread-safe.
 */
public final class StartedProcesses implements AutoCloseable {
    private static final long STOP_SECONDS = 10;

    private final List<AutoCloseable> parts = new ArrayList<>();
    private boolean closed;

    /** Starts {@code command}, its output and errors into {@code log}, its input empty. */
    public synchronized Process start(List<String> command, Path log) throws IOException {
        if (closed) {
            throw new IllegalStateException("the bench is stopping");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
        parts.add(() -> stop(process));
        return process;
    }

    /** A part started otherwise (the Kafka cluster), closed with the rest. */
    public synchronized <T extends AutoCloseable> T add(T part) {
        if (closed) {
            throw new IllegalStateException("the bench is stopping");
        }
        parts.add(part);
        return part;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("stopping a part of the bench: " + e);
            }
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
