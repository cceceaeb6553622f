package chat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One member of the bench's room on one system: a TCP connection, its lines in and its frames out. Member {@code i}
 * connects from 127.0.0.{2 + i / 200}, so that no source address holds more connections than a chat gateway allows one
 * address by default (256). A virtual thread does the member's handshake, blocking; then {@link Receivers} read it.
 * Thread-safe: {@link #send} takes the member's lock, as both the bench's pacer and the member's reader (answering a
 * PING) write.
 */
final class Member implements AutoCloseable {
    /** Handshakes in flight at once: enough to open a thousand members in seconds, few enough not to look like a flood. */
    private static final int HANDSHAKING_AT_ONCE = 64;
    private static final int HANDSHAKE_TIMEOUT_MS = 60_000;
    private static final long WRITE_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** A system's greeting and joining of the room, for one member, and its reading of what comes after. */
    interface Protocol {
        /**
         * Returns once the member is in the room and everything the join brings has arrived, with what reads its lines
         * from then on.
         */
        Receivers.LineHandler handshake(Member member) throws IOException;
    }

    final int index;
    final Receipts receipts;
    final LineReader lines = new LineReader();
    private final SocketChannel channel;
    private final InputStream handshakeIn;
    private final Incidents incidents;
    private final String system;
    private volatile boolean closing;

    private Member(String system, int index, SocketChannel channel, Receipts receipts, Incidents incidents)
        throws IOException {
        this.system = system;
        this.index = index;
        this.channel = channel;
        this.receipts = receipts;
        this.incidents = incidents;
        this.handshakeIn = channel.socket().getInputStream();
    }

    /**
     * Opens {@code receipts.size()} members, member {@code i} to {@code ports[i % ports.length]}, {@value
     * #HANDSHAKING_AT_ONCE} handshakes at a time, hands each to {@code receivers}, and returns once every one has
     * finished its handshake. A member whose connection ends later, before the bench closes it, is reported to
     * {@code incidents}.
     */
    static List<Member> openAll(String system, int[] ports, List<Receipts> receipts, Protocol protocol,
                                Receivers receivers, Incidents incidents, long timeoutSeconds)
        throws IOException, InterruptedException {
        Semaphore handshaking = new Semaphore(HANDSHAKING_AT_ONCE);
        List<CompletableFuture<Member>> ready = new ArrayList<>(receipts.size());
        for (int i = 0; i < receipts.size(); i++) {
            int index = i;
            CompletableFuture<Member> member = new CompletableFuture<>();
            ready.add(member);
            handshaking.acquire();
            Thread.ofVirtual().name(system + "-member-" + i).start(() -> {
                Member m = null;
                try {
                    m = connect(system, index, ports[index % ports.length], receipts.get(index), incidents);
                    Receivers.LineHandler handler = protocol.handshake(m);
                    receivers.add(m, handler);
                    member.complete(m);
                } catch (IOException | RuntimeException e) {
                    if (m != null) {
                        m.close();
                    }
                    member.completeExceptionally(e);
                } finally {
                    handshaking.release();
                }
            });
        }
        List<Member> members = new ArrayList<>(receipts.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            for (CompletableFuture<Member> member : ready) {
                members.add(member.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
        } catch (ExecutionException | TimeoutException e) {
            ready.forEach(f -> f.thenAccept(Member::close));
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException(system + ": member " + members.size() + " did not get into the room: " + cause, cause);
        }
        return members;
    }

    private static Member connect(String system, int index, int port, Receipts receipts, Incidents incidents)
        throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.bind(LocalServices.clientAddress(index));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), HANDSHAKE_TIMEOUT_MS);
            channel.socket().setSoTimeout(HANDSHAKE_TIMEOUT_MS);
            return new Member(system, index, channel, receipts, incidents);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * Writes one frame (or several), whole. Once the member is read by a selector its channel does not block, so a
     * full send buffer is waited out here: only a server that stops reading fills one.
     */
    synchronized void send(byte[] frame) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(frame);
        while (true) {
            channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
            LockSupport.parkNanos(WRITE_RETRY_NANOS);
        }
    }

    /** The next line, as text, during the handshake; fails at the end of the stream, naming what was awaited. */
    String nextLine(String awaited) throws IOException {
        if (!lines.next(handshakeIn)) {
            throw new IOException("connection closed while waiting for " + awaited);
        }
        return lines.line();
    }

    /** The connection ended, by the peer or by {@code failure}: an incident unless the bench was closing it. */
    void ended(Exception failure) {
        if (!closing) {
            incidents.connectionLost(system + " member " + index + ": "
                + (failure == null ? "the server closed the connection" : failure.toString()));
        }
        close();
    }

    @Override
    public void close() {
        closing = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closed already: nothing left to release.
        }
    }
}
