package chat.bench;

import chat.testkit.LocalHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The services a bench starts on this machine: a free port for each, and the wait until one says it is up. */
final class LocalServices {
    private LocalServices() {}

    /** A loopback port nothing listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until the service {@code name}, started as {@code process} with its output in {@code log}, answers 200 on
     * its admin port's {@code /health}; throws, with its log, if it exits first, or if {@code patience} runs out.
     */
    static void awaitHealthy(String name, Process process, int adminPort, Path log, Duration patience)
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
            Thread.sleep(200);
        }
    }
}
