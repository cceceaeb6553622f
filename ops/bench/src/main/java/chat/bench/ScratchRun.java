package chat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * How a bench that starts processes runs: in a scratch directory of its own, with every process it starts stopped
 * however it ends (Ctrl-C included); the directory is deleted when the bench succeeds and kept, with the processes'
 * logs, when it fails. The JVM then exits with the bench's status.
 */
public final class ScratchRun {
    /** The bench itself: 0 when it measured what it set out to. */
    public interface Bench {
        int run(StartedProcesses started, Path dir) throws Exception;
    }

    private ScratchRun() {}

    public static void runAndExit(String name, Bench bench) {
        StartedProcesses started = new StartedProcesses();
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, name + "-bench-stop"));
        Path dir = null;
        int status;
        try {
            dir = Files.createTempDirectory("chat-bench-" + name);
            status = bench.run(started, dir);
        } catch (Exception e) {
            System.err.println("bench " + name + " failed: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            started.close();
        }
        if (dir != null) {
            if (status == 0) {
                deleteRecursively(dir);
            } else {
                System.err.println("logs kept in " + dir);
            }
        }
        System.exit(status);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }
}
