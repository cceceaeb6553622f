package chat.bench;

import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.LocalHttp;
import chat.testkit.TestKafka;
import chat.testkit.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * The cost of an idle connection. One gateway runs in a process of its own, on a broker of its own; N clients each
 * say hello and join one room (ten clients a room, so the joins' presence notices stay few), then say nothing. The
 * gateway's heap after a full GC and its resident memory are read before and after, and divided by N. The clients
 * come from 127.0.0.2 and up, 200 an address, so the gateway's per-address limit holds as it would in a deployment.
 * With {@code --tls}, N more clients then do the same over TLS (the local EC P-256 certificate, a full handshake each:
 * every client has a context of its own, so none resumes a session), and the bench reports what each TLS connection
 * adds beside what each plain one did in the same run, and the handshakes' times as the clients saw them.
 */
public final class ConnectionsBench {
    private static final int PER_ROOM = 10;
    private static final int CONNECTING_AT_ONCE = 64;
    /** Handshakes in flight at once: few, so that their times are the handshake's and not a queue for the two cores. */
    private static final int HANDSHAKING_AT_ONCE = 4;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** A row of {@code GC.class_histogram}: rank, instances, bytes, class name (and perhaps its module). */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    private static final int HISTOGRAM_ROWS = 12;

    private ConnectionsBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        int connections = 10_000;
        String heap = "1g";
        boolean tls = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--heap") && i + 1 < args.length) {
                heap = args[++i];
            } else if (args[i].equals("--tls")) {
                tls = true;
            } else if (args[i].matches("[0-9]{1,6}")) {
                connections = Integer.parseInt(args[i]);
            } else {
                System.out.println("usage: ops/chat bench connections [N] [--heap SIZE] [--tls]   (defaults 10000, 1g;"
                    + " --tls opens N more over TLS)");
                return;
            }
        }
        long openFiles = ProcFs.openFilesLimit();
        int total = tls ? 2 * connections : connections;
        if (total + 1_000 > openFiles) {
            System.out.printf("%d connections need more open files than the %d this shell allows: raise it with"
                + " ulimit -n (the gateway and this bench each hold one per connection)%n", total, openFiles);
            System.exit(1);
        }
        Path dir = Files.createTempDirectory("chat-bench-connections");
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir)) {
            int port = LocalServices.freePort();
            int adminPort = LocalServices.freePort();
            int tlsPort = LocalServices.freePort();
            TestTls certificates = tls ? TestTls.create() : null;
            Process gateway = startGateway(kafka.bootstrapServers(), port, adminPort, heap, total, dir, certificates,
                tlsPort);
            try {
                LocalServices.awaitHealthy("the gateway", gateway, adminPort, dir.resolve("gateway.log"),
                    Duration.ofSeconds(120));
                Memory before = memoryOf(gateway.pid());
                Map<String, Long> histogramBefore = histogramOf(gateway.pid());
                List<Socket> clients = connect(port, connections, 0, null, CONNECTING_AT_ONCE, null);
                Memory plain = memoryOf(gateway.pid());
                Map<String, Long> histogramPlain = histogramOf(gateway.pid());
                System.out.printf("one gateway (-Xmx%s), %d idle connections%s, each after hello and one join%n%n",
                    heap, connections, tls ? " plain and " + connections + " over TLS" : "");
                System.out.printf("%-36s %12s %12s %16s%n", "", "before", "after", "per connection");
                report("plain", before, plain, connections);
                reportHistogram(histogramBefore, histogramPlain, connections);
                if (tls) {
                    List<Long> handshakeNanos = Collections.synchronizedList(new ArrayList<>(connections));
                    clients.addAll(connect(tlsPort, connections, connections, certificates, HANDSHAKING_AT_ONCE,
                        handshakeNanos));
                    Memory withTls = memoryOf(gateway.pid());
                    report("TLS", plain, withTls, connections);
                    long[] sorted = handshakeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
                    System.out.printf("%nTLS handshake (full, EC P-256, %d at once), as the client sees it: median %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms over %d%n", HANDSHAKING_AT_ONCE, Percentiles.millis(sorted, 50),
                        Percentiles.millis(sorted, 99), Percentiles.millis(sorted, 100), sorted.length);
                }
                System.out.printf("%ngateway health: %s%n", LocalHttp.get(adminPort, "/health").body());
                for (Socket client : clients) {
                    client.close();
                }
            } finally {
                gateway.destroy();
                if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly();
                }
            }
        }
    }

    private record Memory(long heapKib, long rssKib) {}

    private static void report(String kind, Memory before, Memory after, int connections) {
        System.out.printf("%-36s %10.1f MB %10.1f MB %13.1f KiB%n", "heap after a full GC, " + kind,
            before.heapKib() / 1024.0, after.heapKib() / 1024.0,
            (after.heapKib() - before.heapKib()) / (double) connections);
        System.out.printf("%-36s %10.1f MB %10.1f MB %13.1f KiB%n", "resident memory, " + kind,
            before.rssKib() / 1024.0, after.rssKib() / 1024.0,
            (after.rssKib() - before.rssKib()) / (double) connections);
    }

    /** Where an idle connection's heap goes: the classes whose instances grew most, in bytes per connection. */
    private static void reportHistogram(Map<String, Long> before, Map<String, Long> after, int connections) {
        System.out.printf("%nwhere a plain connection's heap goes (class histogram after a full GC, growth per"
            + " connection, the %d largest)%n", HISTOGRAM_ROWS);
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(HISTOGRAM_ROWS)
            .forEach(e -> System.out.printf("%10.0f B  %s%n", e.getValue() / (double) connections, e.getKey()));
    }

    /** Bytes of live instances by class ({@code jcmd GC.class_histogram}, which runs a full GC first). */
    private static Map<String, Long> histogramOf(long pid) throws IOException, InterruptedException {
        Map<String, Long> bytesByClass = new HashMap<>();
        Matcher row = HISTOGRAM_ROW.matcher(jcmd(pid, "GC.class_histogram"));
        while (row.find()) {
            bytesByClass.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
        }
        return bytesByClass;
    }

    /** The gateway on this bench's own classpath, in a JVM of its own so that its heap is its alone. */
    private static Process startGateway(String kafka, int port, int adminPort, String heap, int connections, Path dir,
                                        TestTls tls, int tlsPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
            "chat.gateway.GatewayMain", "--kafka", kafka, "--id", "bench", "--host", "127.0.0.1",
            "--port", Integer.toString(port), "--admin-port", Integer.toString(adminPort),
            "--topic", "bench-connections", "--presence-topic", "bench-connections-presence",
            "--history-url", "http://127.0.0.1:1", "--max-connections", Integer.toString(connections + 100),
            "--max-connections-per-address", Integer.toString(LocalServices.CLIENTS_PER_ADDRESS + 10),
            // Idle they are, on purpose, for as long as the bench takes: none may be closed as idle before it is counted.
            "--idle-timeout-ms", "3600000"));
        if (tls != null) {
            command.addAll(tls.gatewayArgs());
            command.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("gateway.log").toFile()).start();
    }


    /**
     * Opens the connections, {@code atOnce} at a time, numbered from {@code first}; each returns once its join is
     * answered. With {@code tls}, over TLS, each handshake's time added to {@code handshakeNanos}.
     */
    private static List<Socket> connect(int port, int connections, int first, TestTls tls, int atOnce,
                                        List<Long> handshakeNanos) throws Exception {
        List<Socket> clients = Collections.synchronizedList(new ArrayList<>(connections));
        Semaphore slots = new Semaphore(atOnce);
        List<Future<?>> done = new ArrayList<>(connections);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = first; i < first + connections; i++) {
                int n = i;
                slots.acquire();
                done.add(threads.submit(() -> {
                    try {
                        clients.add(connectOne(port, n, tls, handshakeNanos));
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return clients;
    }

    private static Socket connectOne(int port, int n, TestTls tls, List<Long> handshakeNanos) throws IOException {
        Socket plain = new Socket();
        plain.bind(LocalServices.clientAddress(n));
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        plain.setSoTimeout(30_000);
        Socket socket = plain;
        if (tls != null) {
            // A context of its own: no session to resume, so each handshake is a full one.
            SSLSocket secured = (SSLSocket) tls.clientContext().getSocketFactory()
                .createSocket(plain, "127.0.0.1", port, true);
            long start = System.nanoTime();
            secured.startHandshake();
            handshakeNanos.add(System.nanoTime() - start);
            socket = secured;
        }
        OutputStream out = socket.getOutputStream();
        out.write(("{\"type\":\"hello\",\"nick\":\"idle" + n + "\",\"version\":1}\n"
            + "{\"type\":\"join\",\"room\":\"idle-" + n / PER_ROOM + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        awaitLineContaining(socket.getInputStream(), "\"type\":\"joined\"", n);
        return socket;
    }

    /** Reads lines until one holds {@code text}; what follows it stays unread in the socket. */
    private static void awaitLineContaining(InputStream in, String text, int n) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (line.indexOf(text) >= 0) {
                    return;
                }
                if (line.indexOf("\"type\":\"error\"") >= 0 || line.indexOf("\"type\":\"bye\"") >= 0) {
                    throw new IOException("connection " + n + " was refused: " + line);
                }
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        throw new IOException("connection " + n + " closed before " + text);
    }

    /** The process's heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}) and its resident memory. */
    private static Memory memoryOf(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!heap.find() || !rss.find()) {
            throw new IllegalStateException("cannot read the memory of process " + pid);
        }
        return new Memory(Long.parseLong(heap.group(1)), Long.parseLong(rss.group(1)));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }


}
