package chat.chaos;

import chat.chaos.FuzzSocket.Incoming;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Two well-behaved clients on the fuzzed gateway, in a room of their own: the speaker says a message at a steady pace
 * while the fuzz goes on, and the listener must have every one the speaker was acked, once each, in the order said.
 * The listener pings now and then, as a client with nothing to say does, so the idle limit never ends it. Each
 * client's frames are read on a thread of its own. Thread-safe.
 */
final class FuzzCalmRoom implements AutoCloseable {
    private static final Duration PING_EVERY = Duration.ofSeconds(20);
    private static final Duration SET_UP_PATIENCE = Duration.ofSeconds(30);

    /**
     * What the listener had of what the speaker said: {@code said} messages, {@code acked} of them acked, {@code heard}
     * messages received (of which {@code lost} acked ones missing, {@code doubled} extra copies, {@code outOfOrder}
     * before one said earlier), and anything else that went wrong.
     */
    public record Result(int said, int acked, int heard, int lost, int doubled, int outOfOrder, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        /** Every message said was acked and heard, once each, in order. */
        public boolean whole() {
            return said > 0 && acked == said && lost == 0 && doubled == 0 && outOfOrder == 0 && problems.isEmpty();
        }
    }

    private final String room;
    private final FuzzSocket speaker;
    private final FuzzSocket listener;
    private final List<String> saidIds = new ArrayList<>();
    private final Set<String> ackedIds = new LinkedHashSet<>();
    private final List<String> heardIds = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final CountDownLatch stopSpeaking = new CountDownLatch(1);
    private volatile boolean closing;
    private Thread speaking;

    private FuzzCalmRoom(String room, FuzzSocket speaker, FuzzSocket listener) {
        this.room = room;
        this.speaker = speaker;
        this.listener = listener;
    }

    /** Both clients connected, welcomed and in the room; the listener first, so it hears every message. */
    static FuzzCalmRoom open(FuzzTarget target, String tag) throws IOException, InterruptedException {
        String room = "calm" + tag;
        FuzzSocket listener = enter(target, "calm" + tag + "l", room);
        FuzzSocket speaker;
        try {
            speaker = enter(target, "calm" + tag + "s", room);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        FuzzCalmRoom calm = new FuzzCalmRoom(room, speaker, listener);
        Thread.ofVirtual().name("calm-listener").start(calm::listen);
        Thread.ofVirtual().name("calm-speaker-reader").start(calm::readAcks);
        return calm;
    }

    private static FuzzSocket enter(FuzzTarget target, String nick, String room) throws IOException, InterruptedException {
        FuzzSocket socket = FuzzSocket.connect(target.host(), target.port());
        try {
            socket.write(FuzzCase.utf8("{\"type\":\"hello\",\"nick\":\"" + nick + "\",\"version\":1}\n"));
            awaitFrame(socket, "welcome", f -> true);
            socket.write(FuzzCase.utf8("{\"type\":\"join\",\"room\":\"" + room + "\"}\n"));
            awaitFrame(socket, "history", f -> room.equals(f.path("room").textValue()) && !f.path("more").asBoolean(true));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void awaitFrame(FuzzSocket socket, String type, Predicate<JsonNode> matches)
        throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SET_UP_PATIENCE.toNanos();
        while (true) {
            Incoming in = socket.next(deadline);
            if (in == null || in instanceof Incoming.End || in instanceof Incoming.Garbled) {
                throw new IOException("a well-behaved client got no " + type + ": " + in);
            }
            JsonNode frame = ((Incoming.Frame) in).json();
            if (frame.path("type").textValue().equals(type) && matches.test(frame)) {
                return;
            }
            if (frame.path("type").textValue().equals("error")) {
                throw new IOException("a well-behaved client was refused: " + frame);
            }
        }
    }

    /** The speaker says a message every {@code interval} until {@link #finish}. */
    void startSpeaking(Duration interval) {
        speaking = Thread.ofVirtual().name("calm-speaker").start(() -> {
            long next = System.nanoTime();
            long lastPing = System.nanoTime();
            try {
                for (int n = 1; !stopSpeaking.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS); n++) {
                    String id = "calm-" + n;
                    synchronized (this) {
                        saidIds.add(id);
                    }
                    speaker.write(FuzzCase.utf8("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"message " + n
                        + " of the calm room\",\"id\":\"" + id + "\"}\n"));
                    next += interval.toNanos();
                    if (System.nanoTime() - lastPing > PING_EVERY.toNanos()) {
                        listener.write(FuzzCase.utf8("{\"type\":\"ping\"}\n"));
                        lastPing = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                problem("the speaker could not write: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void listen() {
        read(listener, "listener", frame -> {
            if ("message".equals(frame.path("type").textValue()) && room.equals(frame.path("room").textValue())) {
                synchronized (this) {
                    heardIds.add(frame.path("id").textValue());
                    notifyAll();
                }
                return true;
            }
            // The speaker's join comes as presence, and pings get their pong.
            return "pong".equals(frame.path("type").textValue()) || "presence".equals(frame.path("type").textValue());
        });
    }

    private void readAcks() {
        read(speaker, "speaker", frame -> {
            String type = frame.path("type").textValue();
            if ("ack".equals(type)) {
                synchronized (this) {
                    ackedIds.add(frame.path("id").textValue());
                    notifyAll();
                }
                return true;
            }
            // Its own messages come back to it as to every member.
            return "message".equals(type) && room.equals(frame.path("room").textValue());
        });
    }

    /** Reads the client's frames until it closes; any frame {@code expected} does not take is a problem. */
    private void read(FuzzSocket socket, String who, Predicate<JsonNode> expected) {
        try {
            while (true) {
                Incoming in = socket.next(Duration.ofDays(1));
                switch (in) {
                    case null -> { }
                    case Incoming.End end -> {
                        if (!closing) {
                            problem("the " + who + "'s connection was " + end.how());
                        }
                        return;
                    }
                    case Incoming.Garbled garbled -> problem("the " + who + " got a line that is not a frame: " + garbled.line());
                    case Incoming.Frame frame -> {
                        if (!expected.test(frame.json())) {
                            problem("the " + who + " got " + frame.json());
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void problem(String what) {
        if (problems.size() < 10) {
            problems.add(what);
        }
    }

    /**
     * Stops the speaker, waits up to {@code patience} for the listener to hear every message acked, and says what it
     * heard.
     */
    Result finish(Duration patience) throws InterruptedException {
        stopSpeaking.countDown();
        if (speaking != null) {
            speaking.join();
        }
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (this) {
            // Acks come before the messages they ack reach the listener, most of the time: wait for both.
            while (System.nanoTime() < deadline && (ackedIds.size() < saidIds.size() || !heardIds.containsAll(ackedIds))) {
                wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            int lost = 0;
            for (String id : ackedIds) {
                if (!heardIds.contains(id)) {
                    lost++;
                }
            }
            Set<String> distinct = new HashSet<>(heardIds);
            int outOfOrder = 0;
            int lastIndex = -1;
            Set<String> seen = new HashSet<>();
            for (String id : heardIds) {
                if (!seen.add(id)) {
                    continue;
                }
                int index = saidIds.indexOf(id);
                if (index < lastIndex) {
                    outOfOrder++;
                }
                lastIndex = Math.max(lastIndex, index);
            }
            return new Result(saidIds.size(), ackedIds.size(), heardIds.size(), lost, heardIds.size() - distinct.size(),
                outOfOrder, problems);
        }
    }

    @Override
    public void close() {
        closing = true;
        speaker.close();
        listener.close();
    }
}
