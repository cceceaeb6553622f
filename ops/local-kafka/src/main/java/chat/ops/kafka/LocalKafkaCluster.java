package chat.ops.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft Kafka cluster of one or three combined broker+controller nodes on 127.0.0.1, each node a child process
 * ({@code kafka.Kafka}) run on this JVM's own classpath, its data and configuration in a {@link ClusterDirectory}.
 *
 * <p>{@link #start} makes the directory's cluster run whole at the size asked for. A node that already runs is kept:
 * each node's command line carries {@code -Dchat.part=DATA/node-N}, so a later launcher (or {@code ops/chat}) finds it
 * again, and only the nodes that are down are started. A cluster of another size is grown or shrunk in place, its
 * topics' records staying at their offsets: growing starts the new nodes, adds them to the controller quorum and
 * copies every partition to them; shrinking moves every partition to node 1, takes the others out of the quorum and
 * stops them. Node 1 founds the controller quorum alone; every other node joins it.
 *
 * <p>Not thread-safe: one owner starts and stops it.
 */
public final class LocalKafkaCluster implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** How long waiting stays quiet: three nodes starting on two cores take half a minute, and that is no news. */
    private static final Duration QUIET = Duration.ofSeconds(45);
    private static final String MARKER = "-Dchat.part=";

    /**
     * Where and how big: {@code brokers} is 1 or 3; {@code firstPort} 0 keeps the directory's ports or picks free ones;
     * {@code detection}, how fast three nodes notice that one died (a node takes it when it starts).
     */
    public record Settings(Path dataDir, int brokers, int firstPort, Path logDir, FailureDetection detection) {
        public Settings {
            if (brokers != 1 && brokers != ClusterDirectory.MAX_NODES) {
                throw new IllegalArgumentException("brokers must be 1 or " + ClusterDirectory.MAX_NODES);
            }
        }

        /** Detecting failures {@link FailureDetection#FAST}, as {@code ops/chat} and the deployment do. */
        public Settings(Path dataDir, int brokers, int firstPort, Path logDir) {
            this(dataDir, brokers, firstPort, logDir, FailureDetection.FAST);
        }
    }

    private final ClusterDirectory directory;
    private final Path logDir;
    private final Consumer<String> progress;
    /** The nodes that run, by id: started here or found running. */
    private final Map<Integer, ProcessHandle> running = new TreeMap<>();
    private final Set<Integer> startedHere = new HashSet<>();
    /** The nodes stopped with SIGSTOP and not yet continued. */
    private final Set<Integer> paused = new HashSet<>();
    private int size;

    private LocalKafkaCluster(Settings settings, Consumer<String> progress) {
        this.directory = new ClusterDirectory(settings.dataDir(), settings.firstPort(), settings.detection());
        this.logDir = settings.logDir().toAbsolutePath();
        this.progress = progress;
    }

    /** {@link #start(Settings, Consumer)} without a word. */
    public static LocalKafkaCluster start(Settings settings) {
        return start(settings, message -> {});
    }

    /**
     * Formats what is not formatted yet, starts every node that does not run, grows or shrinks the cluster to
     * {@code settings.brokers()}, and returns once every node answers. {@code progress} hears of each step that takes
     * time, and of a wait that goes on for long. A start that fails stops the nodes it started.
     */
    public static LocalKafkaCluster start(Settings settings, Consumer<String> progress) {
        LocalKafkaCluster cluster = new LocalKafkaCluster(settings, progress);
        try {
            Files.createDirectories(cluster.logDir);
            cluster.startWhole(cluster.directory.size().orElse(settings.brokers()));
            if (settings.brokers() > cluster.size) {
                cluster.grow(settings.brokers());
            } else if (settings.brokers() < cluster.size) {
                cluster.shrink(settings.brokers());
            }
            return cluster;
        } catch (IOException e) {
            cluster.stopStartedHere();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            cluster.stopStartedHere();
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers(nodes(size));
    }

    /** Stops a node with SIGTERM and waits for it to exit. */
    public void stopBroker(int nodeId) {
        stop(nodeId, false);
    }

    /** Stops a node with SIGKILL and waits for it to exit. */
    public void killBroker(int nodeId) {
        stop(nodeId, true);
    }

    /** Starts a stopped node again on its data and ports, and waits until the whole cluster serves clients. */
    public void startBroker(int nodeId) {
        spawn(nodeId);
        awaitServing(nodes(size));
    }

    /**
     * Freezes a node with SIGSTOP: it answers nothing, yet its sockets stay open and the kernel still accepts
     * connections for it, as a node in a long pause or behind a dead link looks to the others.
     */
    public void pauseBroker(int nodeId) {
        signal(nodeId, "STOP");
        paused.add(nodeId);
    }

    /** Lets a paused node go on with SIGCONT, and waits until the whole cluster serves clients, its replicas in sync. */
    public void resumeBroker(int nodeId) {
        signal(nodeId, "CONT");
        paused.remove(nodeId);
        awaitServing(nodes(size));
    }

    /**
     * The node that leads the partition now, as a node that answers says; empty while it has none, or while no node
     * answers in time (one is frozen, say).
     */
    public Optional<Integer> leaderOf(String topic, int partition) {
        try (ClusterAdmin admin = admin(nodes(size))) {
            return admin.leaderOf(topic, partition);
        } catch (ClusterAdmin.RequestFailed e) {
            // The node asked is frozen, or the cluster is electing: no leader is known now; the caller asks again.
            return Optional.empty();
        }
    }

    /** The node that is the active controller now, the leader of the controller quorum. */
    public int activeController() {
        try (ClusterAdmin admin = admin(nodes(size))) {
            return admin.quorumLeader();
        }
    }

    @Override
    public void close() {
        // A frozen node would hold SIGTERM until it is continued.
        for (int node : List.copyOf(paused)) {
            signal(node, "CONT");
        }
        paused.clear();
        stop(List.copyOf(running.keySet()));
    }

    // ---- the cluster as it is ----

    private void startWhole(int brokers) {
        size = brokers;
        List<Integer> down = new ArrayList<>();
        for (int node = 1; node <= brokers; node++) {
            if (!adopt(node)) {
                down.add(node);
            }
        }
        if (!down.isEmpty()) {
            progress.accept(down.size() == brokers
                ? "starting Kafka (" + brokers + (brokers == 1 ? " broker" : " brokers") + ")..."
                : "starting " + names(down) + " (" + names(running.keySet()) + (running.size() == 1 ? " runs" : " run")
                    + ")...");
        }
        for (int node : down) {
            format(node, brokers);
        }
        for (int node : down) {
            directory.writeConfig(node, brokers);
            spawn(node);
        }
        awaitServing(nodes(brokers));
        awaitVoters(nodes(brokers));
        directory.recordSize(brokers);
    }

    // ---- growing and shrinking ----

    private void grow(int brokers) {
        Set<Integer> all = nodes(brokers);
        List<Integer> added = IntStream.rangeClosed(size + 1, brokers).boxed().toList();
        progress.accept("growing Kafka from " + size + " broker to " + brokers + ": starting " + names(added) + "...");
        for (int node : all) {
            directory.writeConfig(node, brokers);
        }
        for (int node : added) {
            format(node, brokers);
            if (!adopt(node)) {
                spawn(node);
            }
        }
        awaitServing(all);
        awaitVoters(all);
        progress.accept("copying every partition to " + names(added) + "...");
        try (ClusterAdmin admin = admin(all)) {
            awaitEveryPartitionOn(all, admin);
            await("min.insync.replicas on every topic", () -> {
                admin.setMinInSyncReplicas(ClusterDirectory.minInSyncReplicas(brokers));
                return Optional.empty();
            });
        }
        size = brokers;
        directory.recordSize(brokers);
        restartWithNewSettings(1);
    }

    private void shrink(int brokers) {
        Set<Integer> kept = nodes(brokers);
        List<Integer> removed = IntStream.rangeClosed(brokers + 1, size).boxed().sorted((a, b) -> b - a).toList();
        progress.accept("shrinking Kafka from " + size + " brokers to " + brokers + ": moving every partition to "
            + names(kept) + "...");
        try (ClusterAdmin admin = admin(nodes(size))) {
            if (directory.staticQuorum()) {
                await("a dynamic controller quorum", () -> {
                    admin.makeQuorumDynamic();
                    return Optional.empty();
                });
                directory.recordDynamicQuorum();
            }
            // Before the replicas go: a partition with fewer replicas than min.insync.replicas takes no writes.
            await("min.insync.replicas on every topic", () -> {
                admin.setMinInSyncReplicas(ClusterDirectory.minInSyncReplicas(brokers));
                return Optional.empty();
            });
            awaitEveryPartitionOn(kept, admin);
            progress.accept("removing " + names(removed) + "...");
            for (int node : removed) {
                await("kafka-" + node + " out of the controller quorum", () -> {
                    Map<Integer, Uuid> voters = admin.voters();
                    if (voters.containsKey(node)) {
                        admin.removeVoter(node, voters.get(node));
                        return Optional.of("kafka-" + node + " still votes");
                    }
                    return Optional.empty();
                });
            }
            stop(removed);
            for (int node : removed) {
                await("kafka-" + node + " unregistered", () -> {
                    admin.unregister(node);
                    return Optional.empty();
                });
                directory.forget(node);
            }
        }
        size = brokers;
        directory.recordSize(brokers);
        directory.writeConfig(1, brokers);
        restartWithNewSettings(1);
    }

    /**
     * Moves every partition onto exactly {@code nodes}, its replicas there keeping their order (the first is the
     * preferred leader), and waits until all of them are in sync.
     */
    private void awaitEveryPartitionOn(Set<Integer> nodes, ClusterAdmin admin) {
        await("every partition on " + names(nodes), () -> {
            if (admin.reassigning()) {
                return Optional.of("replicas are being moved");
            }
            boolean moved = admin.reassign(replicas -> {
                List<Integer> wanted = new ArrayList<>(replicas.stream().filter(nodes::contains).toList());
                nodes.stream().filter(node -> !wanted.contains(node)).forEach(wanted::add);
                return wanted;
            });
            return moved || !admin.everyPartitionHas(nodes) ? Optional.of("replicas are being moved")
                : Optional.empty();
        });
    }

    /** Restarts a node so that it reads the configuration of the cluster's new size. */
    private void restartWithNewSettings(int node) {
        progress.accept("restarting kafka-" + node + " with the settings of " + size
            + (size == 1 ? " broker..." : " brokers..."));
        directory.writeConfig(node, size);
        stop(node, false);
        spawn(node);
        awaitServing(nodes(size));
        awaitVoters(nodes(size));
    }

    // ---- nodes ----

    /**
     * Formats a node that is not formatted yet: the first node of a cluster founds its controller quorum, every later
     * one joins it (and is made a voter once it follows). The nodes of a static quorum are formatted as before.
     */
    private void format(int node, int brokers) {
        if (directory.formatted(node)) {
            return;
        }
        boolean founding = IntStream.rangeClosed(1, ClusterDirectory.MAX_NODES).noneMatch(directory::formatted);
        Path config = directory.writeConfig(node, brokers);
        List<String> args = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", directory.clusterId(),
            "-c", config.toString(), "--ignore-formatted"));
        boolean dynamic = !directory.staticQuorum();
        if (dynamic) {
            args.add(founding ? "--standalone" : "--no-initial-controllers");
        }
        Path log = logDir.resolve("kafka-format.log");
        try {
            Process format = java(args).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting kafka-" + node + " failed; " + log + " ends:\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting", e);
        }
        if (founding && dynamic) {
            directory.recordDynamicQuorum();
        }
    }

    private void spawn(int node) {
        ProcessHandle process = running.get(node);
        if (process != null && process.isAlive()) {
            return;
        }
        for (int port : List.of(directory.clientPort(node), directory.controllerPort(node))) {
            if (!portFree(port)) {
                throw new IllegalStateException("port " + port + " of kafka-" + node + " is taken by another program");
            }
        }
        Path log = logDir.resolve("kafka-" + node + ".log");
        try {
            Process started = java(List.of(MARKER + directory.nodeDir(node)), List.of("-Xmx512m", "kafka.Kafka",
                directory.configFile(node).toString()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
            running.put(node, started.toHandle());
            startedHere.add(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void signal(int node, String signal) {
        ProcessHandle process = running.get(node);
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("kafka-" + node + " does not run");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " of kafka-" + node + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling kafka-" + node, e);
        }
    }

    /** Takes on the process that runs a node of this directory, wherever it was started from; false if none runs. */
    private boolean adopt(int node) {
        Optional<ProcessHandle> process = ProcessTable.withArgument(MARKER + directory.nodeDir(node)).stream().findFirst();
        process.ifPresent(found -> running.put(node, found));
        return process.isPresent();
    }

    private void stop(int node, boolean kill) {
        ProcessHandle process = running.get(node);
        if (process != null && kill) {
            process.destroyForcibly();
        }
        stop(List.of(node));
    }

    /**
     * Stops nodes with SIGTERM, all at once, and waits for them to exit. A node's broker first asks the controller
     * quorum to let it go. When the whole cluster stops, the node left last finds that quorum gone and would wait for
     * it for ever, so it gets SIGKILL a few seconds after the others exited; that loses nothing a broker acknowledged
     * (its log is in the page cache, and its next start recovers it). A node still running after 30 s gets SIGKILL too.
     */
    private void stop(List<Integer> nodes) {
        boolean wholeCluster = nodes.size() > 1 && running.keySet().equals(Set.copyOf(nodes));
        List<ProcessHandle> processes = nodes.stream().map(running::remove).filter(Objects::nonNull).toList();
        processes.forEach(ProcessHandle::destroy);
        long start = System.nanoTime();
        long lastAloneSince = 0;
        while (true) {
            List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
            if (alive.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (wholeCluster && alive.size() == 1 && lastAloneSince == 0) {
                lastAloneSince = now;
            }
            if (now - start > TimeUnit.SECONDS.toNanos(30)
                || (lastAloneSince != 0 && now - lastAloneSince > TimeUnit.SECONDS.toNanos(3))) {
                for (ProcessHandle process : alive) {
                    process.destroyForcibly();
                    try {
                        process.onExit().get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException ignored) {
                        // Reported by the next start, which finds it still running.
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                return;
            }
            pause();
        }
    }

    private void stopStartedHere() {
        stop(startedHere.stream().filter(running::containsKey).toList());
    }

    /** A child JVM on this JVM's classpath; JVM options come before the main class in {@code args}. */
    private static ProcessBuilder java(List<String> args) {
        return java(List.of(), args);
    }

    /** The same, with {@code marks} first, before the long class path, where {@code ps} shows them. */
    private static ProcessBuilder java(List<String> marks, List<String> args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(marks);
        // Each line with its time, to line a node's log up with the others' and with what its clients saw.
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    // ---- waiting ----

    private void awaitServing(Set<Integer> nodes) {
        try (ClusterAdmin admin = admin(nodes)) {
            await(names(nodes) + " to answer", () -> admin.whyNotServing(nodes));
        }
    }

    /** Waits until {@code nodes} are the controller quorum's voters, adding those that only follow it. */
    private void awaitVoters(Set<Integer> nodes) {
        if (directory.staticQuorum()) {
            return;
        }
        try (ClusterAdmin admin = admin(nodes)) {
            await(names(nodes) + " as the controller quorum", () -> {
                Set<Integer> voters = admin.voters().keySet();
                for (int node : nodes) {
                    if (!voters.contains(node)) {
                        admin.addVoter(node, directory.directoryId(node), directory.controllerPort(node));
                        return Optional.of("kafka-" + node + " does not vote yet");
                    }
                }
                return Optional.empty();
            });
        }
    }

    /**
     * Asks {@code notYet} until it answers empty; its answer, or the failure of its request, says why not yet. Quiet
     * for a while, then says once what it waits for; gives up after {@link #STARTUP}, or at once when a node exits.
     */
    private void await(String what, Supplier<Optional<String>> notYet) {
        long start = System.nanoTime();
        boolean told = false;
        String reason = "";
        while (true) {
            for (var node : running.entrySet()) {
                if (!node.getValue().isAlive()) {
                    Path log = logDir.resolve("kafka-" + node.getKey() + ".log");
                    throw new IllegalStateException("kafka-" + node.getKey() + " exited; " + log + " ends:\n" + tail(log));
                }
            }
            try {
                Optional<String> why = notYet.get();
                if (why.isEmpty()) {
                    return;
                }
                reason = why.get();
            } catch (ClusterAdmin.RequestFailed e) {
                reason = e.getMessage();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (!told && waited.compareTo(QUIET) > 0) {
                progress.accept("still waiting for " + what + " (" + reason + "); giving up after "
                    + STARTUP.toSeconds() + " s");
                told = true;
            }
            if (waited.compareTo(STARTUP) > 0) {
                throw new IllegalStateException("Kafka: waited " + STARTUP.toSeconds() + " s for " + what + ": " + reason
                    + "; see " + logDir);
            }
            pause();
        }
    }

    /** The interval of every wait here: a node's state is asked again, or looked at, five times a second. */
    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private ClusterAdmin admin(Set<Integer> nodes) {
        return new ClusterAdmin(bootstrapServers(nodes));
    }

    // ---- small things ----

    private String bootstrapServers(Set<Integer> nodes) {
        return nodes.stream().sorted().map(node -> "127.0.0.1:" + directory.clientPort(node))
            .collect(Collectors.joining(","));
    }

    private static Set<Integer> nodes(int brokers) {
        return IntStream.rangeClosed(1, brokers).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private static String names(Collection<Integer> nodes) {
        return nodes.stream().sorted().map(node -> "kafka-" + node).collect(Collectors.joining(", "));
    }

    private static boolean portFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The last lines of a log, for an error message that must explain itself after its directory is gone. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "Kafka " + bootstrapServers() + " (" + size + " node" + (size == 1 ? "" : "s") + ", data "
            + directory.path() + ")";
    }
}
