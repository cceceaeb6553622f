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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One client of a reconnect storm, as a real client behaves: it says hello, joins its room and shows each message of
 * it once, in order. When its gateway dies it resumes its session on another with its token, and joins its room again
 * from the last message it has shown; as the protocol asks, the room's live messages that come before the replay's last
 * frame are held back, since the replay covers them, and a message whose seq it has shown already is dropped. It counts what it dropped as doubled, and what came out of order. One virtual thread
 * runs it; the bench reads its figures once it is done.
 */
final class StormClient {
    private final int index;
    private final String nick;
    private final String room;
    private final int firstPort;
    private final int[] resumePorts;
    /** The first join and its replay are done. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** The client is back: welcomed on another gateway, and its room's replay from its last message is out. */
    final CompletableFuture<Long> back = new CompletableFuture<>();
    /** When another gateway welcomed it back, in {@link System#nanoTime()}. */
    final CompletableFuture<Long> welcomedBack = new CompletableFuture<>();

    private final Set<Long> shown = new HashSet<>();
    private long newestShown = -1;
    private long live = -1;
    private int doubled;
    private int outOfOrder;
    private String token;
    private volatile boolean stopping;
    private volatile Socket socket;

    StormClient(int index, String nick, String room, int firstPort, int[] resumePorts) {
        this.index = index;
        this.nick = nick;
        this.room = room;
        this.firstPort = firstPort;
        this.resumePorts = resumePorts;
    }

    void start() {
        Thread.ofVirtual().name("storm-" + nick).start(this::run);
    }

    private void run() {
        try {
            session(firstPort, false);
        } catch (IOException | RuntimeException e) {
            if (!ready.isDone()) {
                ready.completeExceptionally(e);
                return;
            }
            // The gateway died under it: what follows is the resume.
        }
        int attempt = 0;
        while (!stopping) {
            int port = resumePorts[(index + attempt++) % resumePorts.length];
            try {
                session(port, true);
            } catch (IOException | RuntimeException e) {
                // Refused or cut: the next gateway, unless the bench is over.
            }
        }
    }

    /** One connection: hello (resuming when {@code resume}), join, then every line until it ends. */
    private void session(int port, boolean resume) throws IOException {
        try (Socket s = new Socket()) {
            socket = s;
            s.bind(LocalServices.clientAddress(index));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 1024);
            OutputStream out = s.getOutputStream();
            send(out, new ClientFrame.Hello(nick, 1, resume ? token : null, null));
            boolean welcomed = false;
            List<Long> heldBack = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                ServerFrame frame = decode(line);
                switch (frame) {
                    case ServerFrame.Welcome w -> {
                        if (resume && !w.session().equals(token)) {
                            throw new IOException(nick + " got a new session instead of its own back");
                        }
                        token = w.session();
                        welcomed = true;
                        if (resume) {
                            welcomedBack.complete(System.nanoTime());
                        }
                        Long after = newestShown >= 0 ? Long.valueOf(newestShown) : resume ? Long.valueOf(live - 1) : null;
                        send(out, new ClientFrame.Join(room, after, "j"));
                    }
                    case ServerFrame.Joined j -> {
                        if (live < 0) {
                            live = j.live();
                        }
                    }
                    case ServerFrame.History h -> {
                        h.messages().forEach(m -> show(((ServerFrame.Message) m).seq()));
                        if (!h.more()) {
                            heldBack.forEach(this::show);
                            heldBack = null;
                            if (resume) {
                                back.complete(System.nanoTime());
                            } else {
                                ready.complete(null);
                            }
                        }
                    }
                    case ServerFrame.Message m -> {
                        if (heldBack != null) {
                            heldBack.add(m.seq());
                        } else {
                            show(m.seq());
                        }
                    }
                    case ServerFrame.Error e -> {
                        if (!welcomed) {
                            throw new IOException(nick + " was refused: " + e);
                        }
                    }
                    default -> { }
                }
            }
        }
    }

    private synchronized void show(long seq) {
        if (!shown.add(seq)) {
            doubled++;
            return;
        }
        if (seq < newestShown) {
            outOfOrder++;
        }
        newestShown = Math.max(newestShown, seq);
    }

    /** How many of {@code sent} this client has not shown. */
    synchronized int missing(Set<Long> sent) {
        int missing = 0;
        for (long seq : sent) {
            if (!shown.contains(seq)) {
                missing++;
            }
        }
        return missing;
    }

    synchronized int doubled() {
        return doubled;
    }

    synchronized int outOfOrder() {
        return outOfOrder;
    }

    String room() {
        return room;
    }

    void stop() {
        stopping = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }

    private static void send(OutputStream out, ClientFrame frame) throws IOException {
        out.write((FrameCodec.encode(frame) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ServerFrame decode(String line) throws IOException {
        try {
            return FrameCodec.decodeServer(line);
        } catch (ProtocolException e) {
            throw new IOException("a gateway sent a malformed frame: " + line, e);
        }
    }
}
