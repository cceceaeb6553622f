package chat.chaos;

import chat.bench.StartedProcesses;
import chat.client.session.ChatSession;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A chaos run: the {@link ChaosCluster}, its clients signed in and in their rooms, talking at a steady rate, and one
 * fault after another, each measured apart: a gateway killed; another frozen, then thawed; the broker leading the
 * busiest room's partition killed, then started again; the history service killed during a burst of joins, then
 * started again; everything killed and started again. Between two faults the run waits until every client is back,
 * and then for the calm of the settings. Then the talk stops, the clients catch up, and the {@link ChaosReport}
 * compares what each was shown with the database.
 */
final class ChaosRun {
    /** How often the clients, like users, send again what was marked not sent. */
    private static final Duration RETRY_EVERY = Duration.ofSeconds(5);
    /** Concurrent registrations: each costs a password hash on a gateway. */
    private static final int REGISTERING_AT_ONCE = 8;
    /**
     * How long the run waits for every client to be back, and then to be shown everything. Late is not lost: a restart
     * of every broker on a loaded machine may take minutes before Kafka takes writes again, and the report's resume
     * figures say how long it took; only what never came counts against the run.
     */
    private static final Duration BACK_PATIENCE = Duration.ofSeconds(600);
    /** How long a client's registration may go unanswered before it is asked again. */
    private static final Duration REGISTER_AGAIN = Duration.ofSeconds(30);
    private static final Duration CATCH_UP_PATIENCE = Duration.ofSeconds(300);

    private final ChaosSettings settings;
    private final Path dir;
    private final StartedProcesses started;
    private final PrintStream out;
    private final SplittableRandom random;
    private final List<ChaosClient> clients = new ArrayList<>();
    /** The rooms each client is in, by index; the traffic picks among them. */
    private final List<List<String>> roomsOf = new ArrayList<>();
    private final List<ChaosReport.Fault> faults = new ArrayList<>();
    /** What the run waited for in vain: the report fails with it. */
    private final List<String> problems = new ArrayList<>();
    /** What the hostile bytes did, once they were sent. */
    private FuzzReport fuzz;
    private volatile boolean talking;

    private ChaosRun(ChaosSettings settings, Path dir, StartedProcesses started, PrintStream out) {
        this.settings = settings;
        this.dir = dir;
        this.started = started;
        this.out = out;
        this.random = new SplittableRandom(settings.seed());
    }

    static ChaosReport run(ChaosSettings settings, Path dir, StartedProcesses started, PrintStream out)
        throws Exception {
        return new ChaosRun(settings, dir, started, out).run();
    }

    private ChaosReport run() throws Exception {
        try (ChaosDatabase database = ChaosDatabase.open(dir)) {
            say("starting three Kafka nodes, three gateways and the history service on %s (logs in %s)",
                database.description(), dir);
            ChaosCluster cluster = started.add(ChaosCluster.start(dir, started, database));
            try {
                return run(cluster, database);
            } finally {
                clients.forEach(ChaosClient::close);
            }
        }
    }

    private ChaosReport run(ChaosCluster cluster, ChaosDatabase database) throws Exception {
        connectAndSignIn(cluster);
        joinRooms();
        talking = true;
        Thread traffic = Thread.ofPlatform().name("chaos-traffic").start(this::talk);
        Thread retries = Thread.ofPlatform().daemon().name("chaos-retries").start(this::retryFailed);
        long calmStart = System.nanoTime();
        say("talking: %.0f messages/s; %d s of calm for the baseline", settings.rate(), settings.calm().toSeconds());
        pause(settings.calm());
        long calmEnd = System.nanoTime();

        fault("gateway gw1 SIGKILL", Duration.ZERO, () -> cluster.killGateway(0));
        cluster.startGateway(0);
        settle();

        fault("gateway gw2 SIGSTOP " + settings.frozenFor().toSeconds() + " s, then SIGCONT", settings.frozenFor(), () -> {
            cluster.freezeGateway(1);
            pause(settings.frozenFor());
            cluster.thawGateway(1);
        });
        settle();

        int leader = cluster.leaderOf(ChaosSettings.BUSY_ROOM);
        fault("broker " + leader + " SIGKILL (leads " + ChaosSettings.BUSY_ROOM + "'s partition)", Duration.ZERO,
            () -> cluster.killBroker(leader));
        pauseUntilWindowEnds(settings.brokerDownFor());
        cluster.startBroker(leader);
        settle();

        List<CompletableFuture<Void>> burst = new ArrayList<>();
        fault("history SIGKILL during " + burstSize() + " joins", settings.historyDownFor(), () -> {
            burst.addAll(joinBurst());
            cluster.killHistory();
            pause(settings.historyDownFor());
            cluster.startHistory();
        });
        await("the burst's joins to be confirmed", () -> burst.stream().allMatch(CompletableFuture::isDone),
            BACK_PATIENCE);
        settle();

        if (settings.fuzzFrames() > 0) {
            FuzzSettings fuzzSettings = FuzzSettings.defaults().withFrames(settings.fuzzFrames(), settings.fuzzConnections())
                .withSeed(settings.seed());
            int g = ChaosCluster.GATEWAYS - 1;
            fault(String.format("hostile bytes: %,d frames from %d connections to gw%d", settings.fuzzFrames(),
                settings.fuzzConnections(), g + 1), Duration.ZERO, () -> fuzz = Fuzzer.run(fuzzSettings,
                new FuzzTarget("127.0.0.1", cluster.gatewayPort(g), cluster.gatewayAdminPort(g), cluster.gatewayPid(g)),
                out));
            settle();
        }

        fault("everything SIGKILL, then started again", Duration.ZERO, () -> {
            cluster.restartEverything();
            say("every part runs again");
        });
        settle();

        talking = false;
        traffic.join();
        say("talk stopped; waiting for every client to catch up");
        // The users still send again what was marked not sent while they wait.
        await("the history service to store everything", () -> cluster.historyLag() == 0, CATCH_UP_PATIENCE);
        await("every client to be shown everything", () -> lostNow(database) == 0, CATCH_UP_PATIENCE);
        retries.interrupt();
        ChaosReport report = ChaosReport.of(settings, database.description(), clients, database.messages(), calmStart,
            calmEnd, faults, problems, fuzz);
        if (!report.passed()) {
            Path records = dir.resolve("records.tsv");
            writeRecords(records, database.messages());
            say("every client's record and the database are in %s", records);
        }
        return report;
    }

    /**
     * What each client said and was shown, when it left gateways and why, and what of its own was never confirmed,
     * beside the faults and the database: for a failure.
     */
    private void writeRecords(Path file, List<ChaosDatabase.Row> rows) throws IOException, InterruptedException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            faults.forEach(f -> w.printf("fault\t%s\t%d\t%d%n", f.name(), f.start(), f.end()));
            rows.forEach(r -> w.printf("stored\t%s\t%d\t%s\t%s\t%s%n", r.stream(), r.seq(), r.sender(), r.id(), r.text()));
            for (ChaosClient c : clients) {
                c.firstLive().forEach((room, live) -> w.printf("live\t%s\t%s\t%d%n", c.nick(), room, live));
                c.outages().forEach(o -> w.printf("outage\t%s\t%d\t%d%n", c.nick(), o.lost(), o.back()));
                c.departures().forEach(d -> w.printf("departure\t%s\t%d\t%s%n", c.nick(), d.at(), d.why()));
                for (int n = 0; n < c.saidCount(); n++) {
                    w.printf("said\t%s\t%d\t%d%n", c.nick(), n, c.saidAt(n));
                }
                try {
                    c.unconfirmed().forEach(u -> w.printf("unconfirmed\t%s\t%s%n", c.nick(), String.join("\t", u)));
                } catch (IllegalStateException e) {
                    w.printf("unconfirmed\t%s\tunknown: %s%n", c.nick(), e);
                }
                c.shown().forEach(e -> w.printf("shown\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s%n", c.nick(), e.stream(),
                    e.from(), e.id(), e.seq(), e.at(), e.text(), e.filledIn() ? "filled-in" : "in-order"));
            }
        }
    }

    private void connectAndSignIn(ChaosCluster cluster) throws Exception {
        say("%d clients connect and register their nicks", settings.clients());
        for (int i = 0; i < settings.clients(); i++) {
            ChaosClient client = new ChaosClient(i, cluster.gatewaysFor(i), settings.seed() * 1_000_003 + i);
            clients.add(client);
            client.start();
        }
        awaitEach("welcomed", client -> client.welcomed);
        Semaphore registering = new Semaphore(REGISTERING_AT_ONCE);
        for (ChaosClient client : clients) {
            registering.acquire();
            client.register();
            client.signedIn.whenComplete((ok, e) -> registering.release());
        }
        awaitSignedIn();
    }

    /**
     * Waits until every client is signed in to its account, asking again every {@link #REGISTER_AGAIN} for those that
     * are not: a registration asked while the client had no gateway, or cut off with its connection, or refused while
     * the gateway was busy, is not asked again by the session (its user would be told to).
     */
    private void awaitSignedIn() throws Exception {
        long deadline = System.nanoTime() + BACK_PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            List<ChaosClient> waiting = clients.stream().filter(c -> !c.signedIn.isDone()).toList();
            if (waiting.isEmpty()) {
                return;
            }
            try {
                CompletableFuture.allOf(waiting.stream().map(c -> c.signedIn).toArray(CompletableFuture[]::new))
                    .get(REGISTER_AGAIN.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                waiting.stream().filter(c -> !c.signedIn.isDone()).forEach(ChaosClient::register);
            }
        }
        throw notAll("signed in", client -> client.signedIn, null);
    }

    /**
     * Waits until {@code what} happened for every client, for {@link #BACK_PATIENCE} in all; else fails, saying of
     * the clients still waiting what they last saw.
     */
    private void awaitEach(String what, Function<ChaosClient, CompletableFuture<Void>> future) throws Exception {
        long deadline = System.nanoTime() + BACK_PATIENCE.toNanos();
        for (ChaosClient client : clients) {
            try {
                future.apply(client).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw notAll(what, future, e);
            }
        }
    }

    /** The failure of a wait for every client: what the first ten still waiting last saw. */
    private IllegalStateException notAll(String what, Function<ChaosClient, CompletableFuture<Void>> future,
                                         TimeoutException cause) {
        List<String> waiting = clients.stream().filter(c -> !future.apply(c).isDone()).map(ChaosClient::lastSeen)
            .toList();
        return new IllegalStateException(waiting.size() + " clients not " + what + " within " + BACK_PATIENCE
            + ":\n  " + String.join("\n  ", waiting.subList(0, Math.min(10, waiting.size()))), cause);
    }

    /** Each client joins its rooms: the busiest with the settings' probability, the rest drawn from the others. */
    private void joinRooms() throws Exception {
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (ChaosClient client : clients) {
            List<String> rooms = new ArrayList<>();
            if (random.nextDouble() < settings.busyShare()) {
                rooms.add(ChaosSettings.BUSY_ROOM);
            }
            while (rooms.size() < settings.roomsEach()) {
                String room = ChaosSettings.room(1 + random.nextInt(settings.rooms() - 1));
                if (!rooms.contains(room)) {
                    rooms.add(room);
                }
            }
            synchronized (roomsOf) {
                roomsOf.add(new ArrayList<>(rooms));
            }
            rooms.forEach(room -> joins.add(client.join(room)));
        }
        say("%d joins in %d rooms", joins.size(), settings.rooms());
        for (CompletableFuture<Void> join : joins) {
            join.get(BACK_PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private int burstSize() {
        return (int) Math.ceil(settings.clients() * settings.burstShare());
    }

    /** A share of the clients each join a room they are not in, all at once. */
    private List<CompletableFuture<Void>> joinBurst() {
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < burstSize(); i++) {
            int index = random.nextInt(clients.size());
            String room;
            synchronized (roomsOf) {
                List<String> rooms = roomsOf.get(index);
                if (rooms.size() >= settings.rooms()) {
                    continue;
                }
                do {
                    room = ChaosSettings.room(random.nextInt(settings.rooms()));
                } while (rooms.contains(room));
                rooms.add(room);
            }
            joins.add(clients.get(index).join(room));
        }
        return joins;
    }

    /** The traffic: one message every 1/rate s, from a client picked at random, in a room of its or to another. */
    private void talk() {
        SplittableRandom talkRandom = random.split();
        long interval = (long) (1e9 / settings.rate());
        long next = System.nanoTime();
        while (talking) {
            ChaosClient client = clients.get(talkRandom.nextInt(clients.size()));
            if (talkRandom.nextDouble() < settings.dmShare()) {
                int other = talkRandom.nextInt(clients.size() - 1);
                client.say(ChatSession.conversationWith(ChaosClient.nickOf(other >= client.index() ? other + 1 : other)));
            } else {
                List<String> rooms;
                synchronized (roomsOf) {
                    rooms = List.copyOf(roomsOf.get(client.index()));
                }
                client.say(rooms.get(talkRandom.nextInt(rooms.size())));
            }
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void retryFailed() {
        try {
            while (true) {
                Thread.sleep(RETRY_EVERY);
                clients.forEach(ChaosClient::retryFailed);
            }
        } catch (InterruptedException e) {
            // The run is over.
        }
    }

    /** A step of a fault; its time is what the fault's window is measured from. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Injects a fault and waits out its window: the messages said from the fault until {@code lasts} plus the
     * settings' window are the ones its stall is measured on.
     */
    private void fault(String name, Duration lasts, Step inject) throws Exception {
        say("fault: %s", name);
        long start = System.nanoTime();
        inject.run();
        long end = start + lasts.plus(settings.window()).toNanos();
        faults.add(new ChaosReport.Fault(name, start, end));
        pauseUntil(end);
    }

    /** Waits {@code atLeast} from the last fault's start, or until its window ended if that is later. */
    private void pauseUntilWindowEnds(Duration atLeast) throws InterruptedException {
        ChaosReport.Fault last = faults.getLast();
        pauseUntil(Math.max(last.end(), last.start() + atLeast.toNanos()));
    }

    /** Waits until every client is connected again, and then for the calm between faults. */
    private void settle() throws Exception {
        await("every client to be back on a gateway", () -> clients.stream().allMatch(ChaosClient::connected),
            BACK_PATIENCE);
        say("every client is back");
        pause(settings.calm());
    }

    private int lostNow(ChaosDatabase database) {
        try {
            return ChaosReport.lost(clients, database.messages());
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Waits for {@code condition}; when {@code patience} runs out, says so, and the report fails with it. */
    private void await(String what, BooleanSupplier condition, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String problem = "waited " + patience.toSeconds() + " s in vain for " + what;
                say("%s", problem);
                problems.add(problem);
                return;
            }
            Thread.sleep(500);
        }
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }

    private static void pauseUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    private final long born = System.nanoTime();

    private void say(String format, Object... args) {
        out.printf("[chaos %5.0f s] %s%n", (System.nanoTime() - born) / 1e9, String.format(format, args));
    }
}
