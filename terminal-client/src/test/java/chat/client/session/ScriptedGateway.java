package chat.client.session;

import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gateway played by the test: a local socket that speaks the protocol and says only what the test tells it to.
 * Every frame a client sends is kept, in order, for {@link #expect}; pings are answered at once, as any gateway
 * would, and a frame the protocol's codec refuses gets the error it names. What a real gateway does with accounts is the gateway's tests' to pin; this pins what the client does with
 * the answers. Thread-safe.
 */
public final class ScriptedGateway implements AutoCloseable {
    private static final long PATIENCE_SECONDS = 10;

    /** A client frame, and which connection of this gateway it came on (the first is 1). */
    public record Received(int connection, ClientFrame frame) {}

    private final ServerSocket server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Received> all = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();

    public ScriptedGateway() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("scripted-gateway").start(this::accept);
    }

    public Failover.Gateway address() {
        return new Failover.Gateway("127.0.0.1", server.getLocalPort());
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                connections.add(s);
                int number = connections.size();
                Thread.ofVirtual().start(() -> read(s, number));
            }
        } catch (IOException e) {
            // Closed by the test.
        }
    }

    private void read(Socket s, int number) {
        try {
            LineReader reader = new LineReader(s.getInputStream(), Limits.MAX_LINE_BYTES);
            String line;
            while ((line = reader.readLine()) != null) {
                ClientFrame frame;
                try {
                    frame = FrameCodec.decodeClient(line);
                } catch (ProtocolException e) {
                    // What the protocol's codec refuses, a gateway refuses the same way.
                    write(s, new ServerFrame.Error(e.code(), e.getMessage(), e.ref()));
                    continue;
                }
                if (frame instanceof ClientFrame.Ping) {
                    write(s, new ServerFrame.Pong(frame.ref()));
                    continue;
                }
                Received r = new Received(number, frame);
                all.add(r);
                received.add(r);
            }
        } catch (IOException | ProtocolException e) {
            // The connection is over either way.
        }
        ended.add(number);
    }

    /**
     * The next frame of {@code type} the client sent, passing over frames of other types (they stay in
     * {@link #all}); fails after 10 s without one.
     */
    public <T extends ClientFrame> T expect(Class<T> type) throws InterruptedException {
        return type.cast(expectReceived(type).frame());
    }

    /** Like {@link #expect}, with the connection the frame came on. */
    public Received expectReceived(Class<? extends ClientFrame> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (true) {
            Received r = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("the client sent no " + type.getSimpleName() + "; it sent " + all);
            }
            if (type.isInstance(r.frame())) {
                return r;
            }
        }
    }

    /** The next frame the client sends within {@code patience}, pings aside; null when none comes. */
    public ClientFrame nextWithin(Duration patience) throws InterruptedException {
        Received r = received.poll(patience.toNanos(), TimeUnit.NANOSECONDS);
        return r == null ? null : r.frame();
    }

    /** Waits until connection {@code number} (the first is 1) is closed, by either side; fails after 10 s. */
    public void expectEnded(int number) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (true) {
            Integer closed = ended.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (closed == null) {
                throw new AssertionError("connection " + number + " stayed open");
            }
            if (closed == number) {
                return;
            }
        }
    }

    /** Every frame the client sent but pings, in order. */
    public List<Received> all() {
        return List.copyOf(all);
    }

    /** Sends frames to the client on its newest connection. */
    public void send(ServerFrame... frames) throws IOException {
        Socket s = connections.getLast();
        for (ServerFrame frame : frames) {
            write(s, frame);
        }
    }

    /** Closes the newest connection, as a gateway that dies does. */
    public void drop() throws IOException {
        connections.getLast().close();
    }

    private static void write(Socket s, ServerFrame frame) throws IOException {
        synchronized (s) {
            OutputStream out = s.getOutputStream();
            out.write((FrameCodec.encode(frame) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
    }
}
