package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.client.failover.Failover;
import chat.protocol.ClientFrame;
import chat.protocol.FrameCodec;
import chat.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The network of a {@link SessionCore} under test, with no socket: it notes which connections the core opens and
 * closes, and the frames written to each, which a test then takes one by one. A connection can be made to take no more
 * bytes, as a frozen gateway's socket does once its buffers are full: what the core writes then waits unwritten, up to
 * the bound a {@link ConnectionWriter} keeps. Not thread-safe: the test's thread drives the core and reads this.
 */
final class GatewaysOnPaper implements SessionCore.Network {
    /** A connection the core opened: where to, what it wrote that the test has not taken yet, and whether it is closed. */
    static final class Link {
        final long id;
        final Failover.Gateway target;
        final Deque<ClientFrame> written = new ArrayDeque<>();
        long unwritten;
        boolean stuck;
        boolean closed;

        Link(long id, Failover.Gateway target) {
            this.id = id;
            this.target = target;
        }

        /** The next frame the core wrote here, which must be of {@code type}. */
        <T extends ClientFrame> T next(Class<T> type) {
            ClientFrame frame = written.poll();
            return assertInstanceOf(type, frame, "the frame written on connection " + id + " to " + target);
        }

        /** Passes over pings, which go whenever they are due. */
        <T extends ClientFrame> T nextBesidesPings(Class<T> type) {
            while (written.peek() instanceof ClientFrame.Ping) {
                written.poll();
            }
            return next(type);
        }

        void nothingMore() {
            written.removeIf(ClientFrame.Ping.class::isInstance);
            assertEquals(List.of(), List.copyOf(written), "nothing more is written on connection " + id);
        }
    }

    private final List<Link> opened = new ArrayList<>();
    private final Map<Long, Link> byId = new HashMap<>();

    @Override
    public void open(long id, Failover.Gateway target) {
        Link link = new Link(id, target);
        opened.add(link);
        byId.put(id, link);
    }

    @Override
    public boolean write(long id, byte[] lines) {
        Link link = byId.get(id);
        if (link.stuck) {
            if (link.unwritten > 0 && link.unwritten + lines.length > ConnectionWriter.MAX_UNWRITTEN_BYTES) {
                return false;
            }
            link.unwritten += lines.length;
            return true;
        }
        for (String line : new String(lines, StandardCharsets.UTF_8).split("\n")) {
            try {
                link.written.add(FrameCodec.decodeClient(line));
            } catch (ProtocolException e) {
                throw new AssertionError("the core wrote a frame the gateway cannot read: " + line, e);
            }
        }
        return true;
    }

    @Override
    public boolean drained(long id) {
        return byId.get(id).unwritten == 0;
    }

    @Override
    public void close(long id) {
        byId.get(id).closed = true;
    }

    /** The connections opened so far. */
    int openedCount() {
        return opened.size();
    }

    /** The connection opened last. */
    Link last() {
        return opened.getLast();
    }
}
