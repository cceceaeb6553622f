package chat.bench;

import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.TestKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long a room takes to fill. N clients, alternating between two gateways, connect and say {@code hello}; then all
 * of them join one room at once. The bench reports the time until every client has its {@code joined}, and each
 * join's time from sending it to its {@code joined} and to the end of its history replay, with the CPU the servers
 * spent on the joins. Each client keeps reading what the gateway sends it (notices, pages) for the whole run, as a
 * real client would. At the end one client asks {@code who}, whose count must be N.
 */
public final class JoinsBench {
    private static final String TOPIC = "joins";
    private static final String ROOM = "crowd";
    /** Hellos in flight at once: the sign-in phase is not what is measured. */
    private static final int CONNECTING_AT_ONCE = 64;
    private static final long PHASE_SECONDS = 300;
    private static final String USAGE = "usage: ops/chat bench joins [N]   (default 10000: N clients join one room"
        + " over two gateways)\n";

    /** One client's times, in {@link System#nanoTime()}. */
    private static final class Client {
        final int index;
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        final CompletableFuture<Long> joined = new CompletableFuture<>();
        final CompletableFuture<Long> replayed = new CompletableFuture<>();
        final CompletableFuture<String> members = new CompletableFuture<>();

        Client(int index, Socket socket) throws IOException {
            this.index = index;
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1024);
            this.out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            synchronized (out) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        /** Reads every line until the connection ends, noting the joined, the end of the replay and who's answer. */
        void readAll() {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    long now = System.nanoTime();
                    if (line.contains("\"type\":\"joined\"")) {
                        joined.complete(now);
                    } else if (line.contains("\"type\":\"history\"") && line.contains("\"more\":false")) {
                        replayed.complete(now);
                    } else if (line.contains("\"type\":\"members\"") && line.contains("\"ref\":\"w\"")) {
                        members.complete(line);
                    } else if (line.contains("\"type\":\"error\"") || line.contains("\"type\":\"bye\"")) {
                        fail(new IOException("client " + index + " got " + line));
                    }
                }
                fail(new IOException("client " + index + ": the gateway closed the connection"));
            } catch (IOException e) {
                fail(e);
            }
        }

        private void fail(Exception e) {
            joined.completeExceptionally(e);
            replayed.completeExceptionally(e);
            members.completeExceptionally(e);
        }
    }

    private JoinsBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        int n = CountArgument.parse(args, 10_000, 1, USAGE);
        StartedProcesses started = new StartedProcesses();
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "joins-bench-stop"));
        int status = 0;
        try {
            run(n, started, Files.createTempDirectory("chat-bench-joins"));
        } catch (Exception e) {
            System.err.println("bench joins failed: " + e);
            status = 1;
        } finally {
            started.close();
        }
        System.exit(status);
    }

    private static void run(int n, StartedProcesses started, Path dir) throws Exception {
        System.out.println("starting a Kafka broker, the history service and two gateways (logs in " + dir + ")");
        LocalKafkaCluster kafka = started.add(TestKafka.startPrivateCluster(dir.resolve("kafka")));
        long broker = LocalServices.brokerPid();
        ChatServices services = ChatServices.start(kafka.bootstrapServers(), TOPIC, 2,
            List.of("--max-connections", Integer.toString(n + 100)), started, dir);
        int[] ports = services.ports();

        List<Client> clients = new ArrayList<>(n);
        long helloStart = System.nanoTime();
        connectAll(n, ports, clients);
        double helloSeconds = (System.nanoTime() - helloStart) / 1e9;
        System.out.printf("%d clients connected and welcomed in %.1f s%n%n", n, helloSeconds);

        Map<String, List<Long>> processes = new LinkedHashMap<>();
        processes.put("gateways", services.gatewayPids());
        processes.put("broker", List.of(broker));
        processes.put("history", List.of(services.historyPid()));
        Map<String, Long> ticksBefore = ticks(processes);

        CountDownLatch go = new CountDownLatch(1);
        long[] sent = new long[n];
        List<Thread> joiners = new ArrayList<>(n);
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (Client c : clients) {
            joiners.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    sent[c.index] = System.nanoTime();
                    c.send("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"ref\":\"j\"}");
                } catch (IOException | InterruptedException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        long joinStart = System.nanoTime();
        go.countDown();
        for (Thread t : joiners) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        long deadline = joinStart + TimeUnit.SECONDS.toNanos(PHASE_SECONDS);
        long[] joinedAt = new long[n];
        long[] replayedAt = new long[n];
        for (Client c : clients) {
            joinedAt[c.index] = c.joined.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        long allJoined = max(joinedAt);
        for (Client c : clients) {
            replayedAt[c.index] = c.replayed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        long allReplayed = max(replayedAt);
        Map<String, Long> ticksAfter = ticks(processes);

        Client asker = clients.getFirst();
        asker.send("{\"type\":\"who\",\"room\":\"" + ROOM + "\",\"limit\":1,\"ref\":\"w\"}");
        String who = asker.members.get(30, TimeUnit.SECONDS);

        System.out.printf("%d clients join one room over %s%n", n, services.description());
        System.out.printf("  all joined        %8.2f s after the first join was sent%n", (allJoined - joinStart) / 1e9);
        System.out.printf("  all replays done  %8.2f s%n", (allReplayed - joinStart) / 1e9);
        long[] toJoined = sortedSpans(sent, joinedAt);
        long[] toReplayed = sortedSpans(sent, replayedAt);
        System.out.printf("  join -> joined    p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms%n",
            Percentiles.millis(toJoined, 50), Percentiles.millis(toJoined, 99), Percentiles.millis(toJoined, 100));
        System.out.printf("  join -> replayed  p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms%n",
            Percentiles.millis(toReplayed, 50), Percentiles.millis(toReplayed, 99), Percentiles.millis(toReplayed, 100));
        double ticksPerSecond = ProcFs.ticksPerSecond();
        ticksAfter.forEach((name, t) -> System.out.printf("  CPU %-10s %8.2f s%n", name,
            (t - ticksBefore.get(name)) / ticksPerSecond));
        System.out.println("  who then says     " + who);
        if (!who.contains("\"count\":" + n + ",") && !who.contains("\"count\":" + n + "}")) {
            throw new IllegalStateException("the room should count " + n + " members");
        }
        for (Client c : clients) {
            c.socket.close();
        }
    }

    /** Connects and welcomes the clients, alternating between the gateways, a few at a time. */
    private static void connectAll(int n, int[] ports, List<Client> clients) throws Exception {
        Semaphore slots = new Semaphore(CONNECTING_AT_ONCE);
        List<CompletableFuture<Client>> ready = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            CompletableFuture<Client> client = new CompletableFuture<>();
            ready.add(client);
            slots.acquire();
            Thread.ofVirtual().start(() -> {
                try {
                    client.complete(connect(index, ports[index % ports.length]));
                } catch (IOException | RuntimeException e) {
                    client.completeExceptionally(e);
                } finally {
                    slots.release();
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PHASE_SECONDS);
        for (CompletableFuture<Client> client : ready) {
            clients.add(client.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
    }

    private static Client connect(int index, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(LocalServices.clientAddress(index));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
        Client c = new Client(index, socket);
        c.send("{\"type\":\"hello\",\"nick\":\"j" + index + "\",\"version\":1}");
        String welcome = c.in.readLine();
        if (welcome == null || !welcome.contains("\"type\":\"welcome\"")) {
            socket.close();
            throw new IOException("client " + index + " was not welcomed: " + welcome);
        }
        Thread.ofVirtual().name("joins-client-" + index).start(c::readAll);
        return c;
    }

    private static Map<String, Long> ticks(Map<String, List<Long>> processes) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        processes.forEach((name, pids) -> ticks.put(name, pids.stream().mapToLong(ProcFs::cpuTicks).sum()));
        return ticks;
    }

    private static long max(long[] values) {
        long max = Long.MIN_VALUE;
        for (long v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** Each {@code to[i] - from[i]}, sorted. */
    private static long[] sortedSpans(long[] from, long[] to) {
        long[] spans = new long[from.length];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = to[i] - from[i];
        }
        Arrays.sort(spans);
        return spans;
    }
}
