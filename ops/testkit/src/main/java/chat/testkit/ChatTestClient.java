package chat.testkit;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.LineReader;
import chat.protocol.Limits;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A protocol client for tests: it speaks to a gateway over a real socket, reads every frame on its own thread, and
 * lets a test wait for the frame it expects with a timeout. Thread-safe for one test thread plus its reader.
 */
public final class ChatTestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Queued by the reader when the gateway closes the connection. */
    private static final ServerFrame CLOSED = new ServerFrame.Bye("<connection closed>", null);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<ServerFrame> inbox = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private ChatTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread.ofVirtual().name("test-client-reader").start(this::readLoop);
    }

    public static ChatTestClient connect(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            return new ChatTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects with TLS, trusting what {@code context} trusts and checking that the certificate names 127.0.0.1;
     * returns once the handshake is over.
     *
     * @throws UncheckedIOException when the handshake fails
     */
    public static ChatTestClient connectTls(int port, SSLContext context) {
        try {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            plain.setTcpNoDelay(true);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            try {
                socket.startHandshake();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            socket.setSoTimeout(0);
            return new ChatTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and says hello; returns once welcomed. */
    public static ChatTestClient login(int port, String nick) {
        ChatTestClient client = connect(port);
        client.send(new ClientFrame.Hello(nick, 1, null, null));
        client.next(ServerFrame.Welcome.class);
        return client;
    }

    public void send(ClientFrame frame) {
        sendRaw(FrameCodec.encode(frame) + "\n");
    }

    public void sendRaw(String text) {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public synchronized void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Joins and waits for {@code joined} and the end of the room's history replay, passing over other frames
     * (presence of others) on the way.
     */
    public ServerFrame.Joined join(String room) {
        return joinAndReplay(room, null).joined();
    }

    /** A join's answer and the history replayed after it. */
    public record Replay(ServerFrame.Joined joined, List<ServerFrame> messages, boolean unavailable, int frames) {
        /** The replayed messages' ids, in order. */
        public List<String> ids() {
            return messages.stream().map(m -> m instanceof ServerFrame.Message msg ? msg.id() : ((ServerFrame.Dm) m).id()).toList();
        }
    }

    /**
     * Joins (with {@code after}, when not null) and collects the replay: the messages of every {@code history} frame
     * of the room up to the one with {@code more: false}. Fails if a live message of the room comes before that.
     */
    public Replay joinAndReplay(String room, Long after) {
        send(new ClientFrame.Join(room, after, "join-" + room));
        ServerFrame.Joined joined = nextMatching(ServerFrame.Joined.class, j -> j.room().equals(room));
        List<ServerFrame> messages = new ArrayList<>();
        int frames = 0;
        while (true) {
            List<ServerFrame> passed = until(f -> f instanceof ServerFrame.History h && room.equals(h.room()));
            for (ServerFrame f : passed) {
                if (f instanceof ServerFrame.Message m && m.room().equals(room)) {
                    throw new AssertionError("a live message came before the end of the history replay: " + m);
                }
            }
            ServerFrame.History history = (ServerFrame.History) passed.getLast();
            messages.addAll(history.messages());
            frames++;
            if (!history.more()) {
                return new Replay(joined, messages, history.unavailable(), frames);
            }
        }
    }

    public void say(String room, String text, String id) {
        send(new ClientFrame.Say(room, text, id, null));
    }

    /** The next frame, which must be of {@code type}. */
    public <T extends ServerFrame> T next(Class<T> type) {
        ServerFrame frame = take(TIMEOUT);
        if (!type.isInstance(frame)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + frame);
        }
        return type.cast(frame);
    }

    /** The next frame of {@code type} that matches, passing over any other frames. */
    public <T extends ServerFrame> T nextMatching(Class<T> type, Predicate<T> matches) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ServerFrame> passed = new ArrayList<>();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            ServerFrame frame = take(left.isNegative() ? Duration.ZERO : left, passed);
            if (type.isInstance(frame) && matches.test(type.cast(frame))) {
                return type.cast(frame);
            }
            if (frame == CLOSED) {
                throw new AssertionError("connection closed while waiting for " + type.getSimpleName() + "; passed " + passed);
            }
            passed.add(frame);
        }
    }

    /** Every frame up to and including the first that matches, in arrival order. */
    public List<ServerFrame> until(Predicate<ServerFrame> matches) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ServerFrame> frames = new ArrayList<>();
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            ServerFrame frame = take(left.isNegative() ? Duration.ZERO : left, frames);
            if (frame == CLOSED) {
                throw new AssertionError("connection closed while waiting; passed " + tail(frames));
            }
            frames.add(frame);
            if (matches.test(frame)) {
                return frames;
            }
        }
    }

    /** Messages of the room, in arrival order, until {@code count} have come; other frames are passed over. */
    public List<ServerFrame.Message> messages(String room, int count) {
        List<ServerFrame.Message> messages = new ArrayList<>(count);
        while (messages.size() < count) {
            messages.add(nextMatching(ServerFrame.Message.class, m -> m.room().equals(room)));
        }
        return messages;
    }

    /** Waits until the gateway has closed the connection; returns the frames that came before the close. */
    public List<ServerFrame> awaitClosed() {
        List<ServerFrame> before = new ArrayList<>();
        while (true) {
            ServerFrame frame = take(TIMEOUT, before);
            if (frame == CLOSED) {
                return before;
            }
            before.add(frame);
        }
    }

    /** Whether a frame that matches has arrived and not been taken yet; waits for nothing. */
    public boolean holds(Predicate<ServerFrame> matches) {
        return inbox.stream().anyMatch(matches);
    }

    public boolean isClosedByGateway() {
        return closed;
    }

    private ServerFrame take(Duration timeout) {
        return take(timeout, List.of());
    }

    private ServerFrame take(Duration timeout, List<ServerFrame> passed) {
        try {
            ServerFrame frame = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout + (passed.isEmpty() ? "" : "; passed " + tail(passed)));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static List<ServerFrame> tail(List<ServerFrame> frames) {
        return frames.subList(Math.max(0, frames.size() - 5), frames.size());
    }

    private void readLoop() {
        try {
            LineReader reader = new LineReader(socket.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            String line;
            while ((line = reader.readLine()) != null) {
                inbox.add(FrameCodec.decodeServer(line));
            }
        } catch (IOException | ProtocolException e) {
            // The connection is over either way; the test sees CLOSED.
        } finally {
            closed = true;
            inbox.add(CLOSED);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing twice is fine.
        }
    }
}
