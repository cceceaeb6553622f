package chat.bench;

import chat.bench.FanoutSettings.Target;
import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chat's fan-out beside a NATS server and an IRC server, in one run on one machine. N members sit in one room on
 * each system (the chat's over two gateways, each a process of its own on a private Kafka broker, with the history
 * service); S of them share R messages a second, at each rate of a list. For each system and rate: the deliveries a
 * second achieved, the latency from send to receipt, lost and doubled deliveries, and the CPU each server process
 * spent per delivery. A step at a low rate also sets the chat beside raw Kafka's produce-to-consume latency. The
 * systems take turns at each rate, so the machine's other load falls on all of them alike. Every process the bench
 * starts is stopped at the end, whatever happens; a part that cannot be set up makes it exit non-zero.
 */
public final class FanoutBench {
    /** Sockets this JVM holds beside the members' (Kafka clients, files, the JDK's own). */
    private static final int OTHER_FILES = 1_000;
    /** Selector threads that read the members: one a core, up to this many, so the reading spreads over the cores. */
    private static final int RECEIVER_THREADS_AT_MOST = 4;

    /** A step of the run; one of the warm-up round is run but not reported. */
    private record Planned(Target target, int rate, boolean warmupRound) {}

    private final FanoutSettings settings;
    private final StartedProcesses started;
    private final Path dir;
    private final long startNanos = System.nanoTime();

    private FanoutBench(FanoutSettings settings, StartedProcesses started, Path dir) {
        this.settings = settings;
        this.started = started;
        this.dir = dir;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // A client's retries while the broker starts are no news; the bench reports what fails.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        FanoutSettings settings;
        try {
            settings = FanoutSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench fanout: " + e.getMessage());
            System.err.print(FanoutSettings.USAGE);
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.print(FanoutSettings.USAGE);
            return;
        }
        try {
            checkOpenFiles(settings);
        } catch (IOException e) {
            System.err.println("bench fanout: " + e.getMessage());
            System.exit(1);
            return;
        }
        ScratchRun.runAndExit("fanout", (started, dir) -> new FanoutBench(settings, started, dir).run());
    }

    private int run() throws Exception {
        List<Planned> plan = plan();
        long ticksPerSecond = ProcFs.ticksPerSecond();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("fan-out: %d members in one room on each system, %d of them sending, messages of %d bytes;"
                + " each step %d s of warm-up, then %d s measured%n", settings.members(), settings.senders(),
            Payload.SIZE, settings.warmup().toSeconds(), settings.duration().toSeconds());
        System.out.printf("machine: %d cores, load average %.2f; CPU time from /proc at %d ticks a second"
            + " (getconf CLK_TCK)%n", cores, ProcFs.loadAverage(), ticksPerSecond);

        Map<Target, FanoutPeer> peers = new EnumMap<>(Target.class);
        List<String> skipped = new ArrayList<>();
        Receivers readers = new Receivers(Math.min(RECEIVER_THREADS_AT_MOST, cores));
        try {
            startPeers(plan.size(), peers, skipped, readers);
            if (peers.isEmpty()) {
                System.out.println("nothing to measure: " + String.join("; ", skipped));
                return 1;
            }
            for (FanoutPeer peer : peers.values()) {
                System.out.printf("%-13s %s%n", peer.name() + ":", peer.description());
            }
            skipped.forEach(s -> System.out.println("skipped: " + s));

            List<FanoutStep.Result> results = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                FanoutPeer peer = peers.get(plan.get(i).target());
                if (peer == null) {
                    continue;
                }
                if (plan.get(i).warmupRound()) {
                    progress(String.format(Locale.ROOT, "warm-up round %d/%d, %s at %d messages/s for %d s, not"
                        + " reported", i + 1, plan.size(), peer.name(), plan.get(i).rate(),
                        settings.warmupRound().toSeconds()));
                    new FanoutStep(peer, i, plan.get(i).rate(), settings.forWarmupRound(), ticksPerSecond).run();
                    continue;
                }
                FanoutStep.Result r = new FanoutStep(peer, i, plan.get(i).rate(), settings, ticksPerSecond).run();
                results.add(r);
                progress(String.format(Locale.ROOT, "step %d/%d, %s at %d messages/s: %s deliveries/s, p99 %s ms,"
                        + " lost %d, doubled %d, errors %d", i + 1, plan.size(), r.system(), r.rate(),
                    FanoutReport.whole(r.deliveredPerSecond()), FanoutReport.number(r.latency().p99(), 2), r.lost(),
                    r.doubled(), r.incidents()));
            }
            new FanoutReport(System.out).print(settings, settings.lowRate(), results);
            printIncidents(peers);
            System.out.printf("%nload average at the end %.2f, %d cores; the run took %d s%n", ProcFs.loadAverage(),
                cores, (System.nanoTime() - startNanos) / 1_000_000_000L);
            return 0;
        } finally {
            peers.values().forEach(FanoutPeer::close);
            readers.close();
        }
    }

    /**
     * The warm-up round (every system at the top rate), then the low-rate step (the chat beside raw Kafka), then at
     * each rate every system in turn.
     */
    private List<Planned> plan() {
        List<Planned> plan = new ArrayList<>();
        if (!settings.warmupRound().isZero()) {
            for (Target target : List.of(Target.CHAT, Target.KAFKA, Target.NATS, Target.IRC)) {
                if (settings.runs(target)) {
                    plan.add(new Planned(target, settings.topRate(), true));
                }
            }
        }
        for (Target target : List.of(Target.CHAT, Target.KAFKA)) {
            if (settings.runs(target)) {
                plan.add(new Planned(target, settings.lowRate(), false));
            }
        }
        for (int rate : settings.rates()) {
            for (Target target : List.of(Target.CHAT, Target.NATS, Target.IRC)) {
                if (settings.runs(target)) {
                    plan.add(new Planned(target, rate, false));
                }
            }
        }
        return plan;
    }

    private void startPeers(int steps, Map<Target, FanoutPeer> peers, List<String> skipped, Receivers readers)
        throws Exception {
        String kafka = null;
        long brokerPid = -1;
        if (settings.runs(Target.CHAT) || settings.runs(Target.KAFKA)) {
            progress("starting a Kafka broker of the bench's own");
            LocalKafkaCluster cluster = started.add(TestKafka.startPrivateCluster(dir.resolve("kafka")));
            kafka = cluster.bootstrapServers();
            brokerPid = LocalServices.brokerPid();
        }
        if (settings.runs(Target.CHAT)) {
            progress("starting the history service and two gateways; " + settings.members() + " members join");
            peers.put(Target.CHAT, ChatPeer.start(settings, steps, kafka, brokerPid, started, readers, dir));
        }
        if (settings.runs(Target.NATS)) {
            progress("NATS: " + settings.members() + " members subscribe");
            try {
                peers.put(Target.NATS, NatsPeer.start(settings, steps, started, readers, dir));
            } catch (FanoutPeer.Unavailable e) {
                skipped.add("NATS: " + e.getMessage());
            }
        }
        if (settings.runs(Target.IRC)) {
            progress("IRC: starting ngircd; " + settings.members() + " members join");
            try {
                peers.put(Target.IRC, IrcPeer.start(settings, steps, started, readers, dir));
            } catch (FanoutPeer.Unavailable e) {
                skipped.add("IRC: " + e.getMessage());
            }
        }
        if (settings.runs(Target.KAFKA)) {
            peers.put(Target.KAFKA, RawKafkaPeer.start(settings, steps, kafka, brokerPid));
        }
    }

    private static void checkOpenFiles(FanoutSettings settings) throws IOException {
        long systems = Stream.of(Target.CHAT, Target.NATS, Target.IRC).filter(settings::runs).count();
        long needed = systems * settings.members() + OTHER_FILES;
        long limit = ProcFs.openFilesLimit();
        if (needed > limit) {
            throw new IOException(settings.members() + " members on " + systems + " systems need about " + needed
                + " open files, more than the " + limit + " this shell allows: give fewer --members, or --only");
        }
    }

    private void printIncidents(Map<Target, FanoutPeer> peers) {
        for (FanoutPeer peer : peers.values()) {
            Incidents incidents = peer.incidents();
            if (incidents.count() > 0) {
                System.out.printf("%n%s: %d errors and lost connections (%d connections lost), the first:%n",
                    peer.name(), incidents.count(), incidents.lostConnections());
                incidents.examples().forEach(e -> System.out.println("  " + e));
            }
        }
    }

    private void progress(String what) {
        System.out.printf("[%4d s] %s%n", (System.nanoTime() - startNanos) / 1_000_000_000L, what);
    }
}
