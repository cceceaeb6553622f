package chat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read every member's connection once it is in the room: a few selector threads, each with a share
 * of the members. When a message fans out, a selector's wake-up finds many of its connections ready, and each costs
 * one read. A virtual thread per connection cost a wake-up, a read, a read that finds nothing and a re-arming of the
 * poll per delivery: on two cores the load generator then spent more CPU per delivery than the servers it measures.
 * Every line read gets the time its read returned. Thread-safe: members are handed over by {@link #add}, and from then
 * on only their selector thread reads them.
 */
final class Receivers implements AutoCloseable {
    /** Reads the lines of one member, on its selector thread. */
    interface LineHandler {
        /** Handles the member's current line ({@code member.lines}), received at {@code receivedNanos}. */
        void line(Member member, long receivedNanos) throws IOException;
    }

    private final List<Selector> selectors = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closing;

    Receivers(int threadCount) throws IOException {
        for (int i = 0; i < threadCount; i++) {
            Selector selector = Selector.open();
            selectors.add(selector);
            threads.add(Thread.ofPlatform().name("receiver-" + i).daemon().start(() -> loop(selector)));
        }
    }

    /**
     * Hands {@code member}, its handshake done, to a selector thread, which reads it from now on. The lines that came
     * with the handshake's last read are handled first, on the caller's thread, which owns the member until then.
     */
    void add(Member member, LineHandler handler) throws IOException {
        long now = System.nanoTime();
        while (member.lines.nextBuffered()) {
            handler.line(member, now);
        }
        Selector selector = selectors.get(Math.floorMod(next.getAndIncrement(), selectors.size()));
        member.channel().configureBlocking(false);
        member.channel().register(selector, SelectionKey.OP_READ, new Reading(member, handler));
        selector.wakeup();
    }

    private record Reading(Member member, LineHandler handler) {}

    private void loop(Selector selector) {
        try {
            while (!closing) {
                selector.select(key -> read(key, (Reading) key.attachment()));
            }
        } catch (IOException e) {
            if (!closing) {
                throw new UncheckedIOException(e);
            }
        } catch (ClosedSelectorException e) {
            // Closing.
        }
    }

    private static void read(SelectionKey key, Reading reading) {
        Member member = reading.member();
        try {
            int n = member.lines.readFrom((SocketChannel) key.channel());
            if (n < 0) {
                key.cancel();
                member.ended(null);
                return;
            }
            long now = System.nanoTime();
            while (member.lines.nextBuffered()) {
                reading.handler().line(member, now);
            }
        } catch (ClosedChannelException e) {
            key.cancel();
            member.ended(null);
        } catch (IOException | RuntimeException e) {
            key.cancel();
            member.ended(e);
        }
    }

    @Override
    public void close() {
        closing = true;
        for (Selector selector : selectors) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // Its thread ends either way.
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
