package chat.bench;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A gateway holding N sessions dies, and they all resume on the others at once. Three gateways and the history service
 * run in processes of their own; the N clients ({@link StormClient}) are all on the first, spread over rooms, while a
 * sender per room on the other gateways says a few messages a second throughout. The first gateway gets SIGKILL; each
 * client resumes its session on one of the two others and joins its room again from the last message it showed. The
 * storm measures, per client, the time from the kill to its welcome and to the end of its replay, and at the end
 * compares what every client showed with what the senders had acked: lost, doubled (dropped by seq) and out of order.
 * The senders also count the joins and leaves they are told of: a session that kept its rooms through the resume is
 * never seen leaving or joining them.
 */
final class ReconnectStorm {
    /** {@code rate}: messages a second in each room. */
    record Settings(int sessions, int rooms, double rate, Duration before, Duration after) {}

    /** {@code welcomedNanos} and {@code backNanos}: nanoseconds from the kill, per client, sorted. */
    record Report(int sessions, int rooms, long sent, long lost, long doubled, long outOfOrder, long joinsAndLeavesSeen,
                  long[] welcomedNanos, long[] backNanos, String description) {}

    private static final String TOPIC = "storm";
    private static final int CONNECTING_AT_ONCE = 64;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private ReconnectStorm() {}

    static Report run(Settings settings, String kafka, StartedProcesses started, Path dir) throws Exception {
        ChatServices services = ChatServices.start(kafka, TOPIC + "-" + ProcessHandle.current().pid(), 3,
            List.of("--max-connections", Integer.toString(settings.sessions() + 200)), started, dir);
        List<ChatServices.Gateway> gateways = services.gateways();
        int[] survivors = {gateways.get(1).port(), gateways.get(2).port()};

        List<StormClient> clients = new ArrayList<>(settings.sessions());
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        for (int i = 0; i < settings.sessions(); i++) {
            StormClient client = new StormClient(i, "c" + i, "room-" + i % settings.rooms(), gateways.get(0).port(),
                survivors);
            clients.add(client);
            connecting.acquire();
            client.ready.whenComplete((done, failure) -> connecting.release());
            client.start();
        }
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (StormClient client : clients) {
            client.ready.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        List<Sender> senders = new ArrayList<>();
        for (int r = 0; r < settings.rooms(); r++) {
            senders.add(new Sender("s" + r, "room-" + r, survivors[r % survivors.length], settings.rate()));
        }
        senders.forEach(Sender::start);
        Thread.sleep(settings.before());

        Process victim = gateways.get(0).process();
        long killedAt = System.nanoTime();
        victim.destroyForcibly();
        deadline = killedAt + PATIENCE.toNanos();
        long[] welcomed = new long[clients.size()];
        long[] back = new long[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            welcomed[i] = clients.get(i).welcomedBack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                - killedAt;
            back[i] = clients.get(i).back.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) - killedAt;
        }
        Thread.sleep(settings.after());
        for (Sender sender : senders) {
            sender.stopAndAwaitAcks();
        }

        // Every acked message reaches every client of its room; wait for the last of them, then count.
        long sent = senders.stream().mapToLong(s -> s.acked.size()).sum();
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long lost;
        do {
            lost = 0;
            for (StormClient client : clients) {
                lost += client.missing(senders.get(Integer.parseInt(client.room().substring(5))).acked);
            }
        } while (lost > 0 && System.nanoTime() < settle && pause());
        long doubled = clients.stream().mapToLong(StormClient::doubled).sum();
        long outOfOrder = clients.stream().mapToLong(StormClient::outOfOrder).sum();
        long joinsAndLeavesSeen = senders.stream().mapToLong(s -> s.joinsAndLeavesSeen).sum();
        clients.forEach(StormClient::stop);
        senders.forEach(Sender::close);
        Arrays.sort(welcomed);
        Arrays.sort(back);
        return new Report(settings.sessions(), settings.rooms(), sent, lost, doubled, outOfOrder, joinsAndLeavesSeen, welcomed,
            back, services.description());
    }

    private static boolean pause() {
        try {
            Thread.sleep(200);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Says messages in its room at a steady pace from a gateway that stays up, and keeps the seqs of those acked. */
    private static final class Sender {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        private final String nick;
        private final String room;
        private final long periodNanos;
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;
        private final CompletableFuture<Void> joined = new CompletableFuture<>();
        private volatile boolean stopped;
        private int sent;
        private volatile int acks;
        /** Joins and leaves of others this sender was told of, from its own join on. */
        private volatile long joinsAndLeavesSeen;
        private Thread pacer;

        Sender(String nick, String room, int port, double rate) throws IOException {
            this.nick = nick;
            this.room = room;
            this.periodNanos = (long) (1e9 / rate);
            this.socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            this.out = socket.getOutputStream();
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            send(new ClientFrame.Hello(nick, 1, null, null));
            send(new ClientFrame.Join(room, null, "j"));
            Thread.ofVirtual().name("storm-" + nick + "-reader").start(this::read);
        }

        void start() {
            pacer = Thread.ofVirtual().name("storm-" + nick).start(() -> {
                try {
                    joined.get(30, TimeUnit.SECONDS);
                    long next = System.nanoTime();
                    while (!stopped) {
                        send(new ClientFrame.Say(room, "storm " + sent, nick + "-" + sent, null));
                        sent++;
                        next += periodNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                } catch (Exception e) {
                    stopped = true;
                }
            });
        }

        private void read() {
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    switch (FrameCodec.decodeServer(line)) {
                        case ServerFrame.Joined j -> joined.complete(null);
                        case ServerFrame.Presence p -> joinsAndLeavesSeen += p.nicks().size();
                        case ServerFrame.Ack a -> {
                            acked.add(a.seq());
                            acks++;
                        }
                        default -> { }
                    }
                }
            } catch (IOException | ProtocolException e) {
                joined.completeExceptionally(e);
            }
        }

        void stopAndAwaitAcks() throws InterruptedException {
            stopped = true;
            pacer.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acks < sent && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        private synchronized void send(ClientFrame frame) throws IOException {
            out.write((FrameCodec.encode(frame) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
