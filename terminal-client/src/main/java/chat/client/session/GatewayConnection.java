package chat.client.session;

import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.LineReader;
import chat.protocol.ProtocolException;
import chat.protocol.ServerFrame;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open connection to a gateway, as {@link ChatSession} runs it: a reader thread that decodes its frames into a
 * bounded queue (and, when the session's thread is behind, waits, which slows only this socket), and a writer thread
 * that drains a bounded queue of frames to send, so that no write ever holds up the session's thread. The session's
 * thread asks it for frames, hands it frames to send, and reads how long a write has been waiting for the socket, which
 * tells a gateway that reads nothing. Thread-safe: the session's thread and the connection's two threads share it
 * through its queues and volatile fields.
 */
final class GatewayConnection {
    /** Frames read and not yet taken by the session's thread; past this the reader waits. */
    static final int INCOMING_CAPACITY = 1_000;
    /** Frames to write; past this the connection is given up on, as a gateway that takes nothing. */
    static final int OUTGOING_CAPACITY = 10_000;
    /** How often a writer with nothing to write looks whether it is to finish. */
    private static final Duration WRITER_POLL = Duration.ofMillis(100);

    private final long id;
    private final Socket socket;
    private final Clock clock;
    /** Tells the session's thread that this connection has something for it. */
    private final Runnable wake;
    private final BlockingQueue<ServerFrame> incoming = new ArrayBlockingQueue<>(INCOMING_CAPACITY);
    private final BlockingQueue<ClientFrame> outgoing = new ArrayBlockingQueue<>(OUTGOING_CAPACITY);
    private final Thread reader;
    private final Thread writer;
    /** Since when the writer waits for the socket to take a write; null while it waits for frames. */
    private volatile Instant writingSince;
    /** Why the reader stopped (the connection closed or failed); null while it reads. Set after its last frame. */
    private volatile String readEnded;
    /** Why a write failed, or the queue to write overflowed; null while writes go. */
    private volatile String writeFailed;
    /** Set once the session ends: the writer writes what is queued, then closes the socket. */
    private volatile boolean finishing;

    GatewayConnection(long id, Socket socket, Clock clock, String name, Runnable wake) {
        this.id = id;
        this.socket = socket;
        this.clock = clock;
        this.wake = wake;
        this.reader = Thread.ofVirtual().name(name + "-reader").unstarted(this::read);
        this.writer = Thread.ofVirtual().name(name + "-writer").unstarted(this::write);
    }

    long id() {
        return id;
    }

    void start() {
        reader.start();
        writer.start();
    }

    /** Queues a frame to write; when the queue is full the connection counts as failed, and false is returned. */
    boolean send(ClientFrame frame) {
        if (outgoing.offer(frame)) {
            return true;
        }
        fail("cannot write: " + OUTGOING_CAPACITY + " frames wait for the gateway to take them");
        return false;
    }

    /** The next frame read, or null when none waits. */
    ServerFrame poll() {
        return incoming.poll();
    }

    /** Why reading ended, once every frame read before has been taken; null until then. */
    String readEnded() {
        String why = readEnded;
        return why != null && incoming.isEmpty() ? why : null;
    }

    String writeFailed() {
        return writeFailed;
    }

    /** Since when a write waits for the socket to take it; null when none does. */
    Instant writingSince() {
        return writingSince;
    }

    /** Writes what is queued (waiting at most {@code patience} for it), then closes. */
    void finish(Duration patience) {
        finishing = true;
        try {
            writer.join(patience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes the socket at once, dropping what was not written; both threads end. */
    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Gone already.
        }
        reader.interrupt();
        writer.interrupt();
    }

    private void fail(String why) {
        if (writeFailed == null) {
            writeFailed = why;
        }
        wake.run();
    }

    private void read() {
        String why = "connection closed";
        try {
            LineReader lines = new LineReader(socket.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            String line;
            while ((line = lines.readLine()) != null) {
                ServerFrame frame;
                try {
                    frame = FrameCodec.decodeServer(line);
                } catch (ProtocolException e) {
                    // A frame of a newer gateway this client does not know: passed over.
                    continue;
                }
                incoming.put(frame);
                wake.run();
            }
        } catch (IOException | ProtocolException e) {
            why = "connection lost: " + e.getMessage();
        } catch (InterruptedException e) {
            // Closed by the session: nobody waits for its end.
            return;
        }
        readEnded = why;
        wake.run();
    }

    private void write() {
        try {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (true) {
                ClientFrame frame = outgoing.poll(WRITER_POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == null) {
                    if (finishing) {
                        break;
                    }
                    continue;
                }
                writingSince = clock.instant();
                out.write((FrameCodec.encode(frame) + "\n").getBytes(StandardCharsets.UTF_8));
                if (outgoing.isEmpty()) {
                    out.flush();
                }
                writingSince = null;
            }
        } catch (IOException e) {
            fail("cannot write: " + e.getMessage());
        } catch (InterruptedException e) {
            // Closed by the session.
        } finally {
            writingSince = null;
        }
        if (finishing) {
            close();
        }
    }
}
