package chat.gateway;

import chat.protocol.FrameCodec;
import chat.protocol.HistoryPage;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One connection's rooms whose history is being replayed. While a room replays, its live messages are held here
 * instead of being sent; when the history is out, the held ones that the history did not already hold (by seq)
 * follow it, so the client gets the room once and in order. A room's held messages are bounded: past the bound they
 * are dropped and the replay reads them from the history too. Thread-safe: the fan-out thread holds messages while a
 * replay thread finishes, under this object's lock.
 */
final class Replays {
    /** The most message bytes in one {@code history} frame, so that a frame stays well below {@link Limits#MAX_SERVER_LINE_BYTES}. */
    static final int MAX_FRAME_MESSAGE_BYTES = 512 * 1024;

    private record Held(long seq, byte[] line) {}

    private static final class Replay {
        final ArrayDeque<Held> held = new ArrayDeque<>();
        /** The newest seq dropped for want of room, or -1: the replay must read up to it from the history. */
        long droppedThrough = -1;
    }

    /** Queues a line for the client and wakes its writer; never blocks. */
    private final Consumer<byte[]> send;
    private final int capacity;
    private final Map<String, Replay> replaying = new HashMap<>();
    /**
     * How many rooms replay: written under the lock, read without it, so that delivering to a connection that replays
     * nothing (nearly all of them, nearly always) takes no lock.
     */
    private volatile int replayingRooms;

    Replays(Consumer<byte[]> send, int capacity) {
        this.send = send;
        this.capacity = capacity;
    }

    /** Starts holding the room's live messages; false when a replay of the room is already under way. */
    synchronized boolean begin(String room) {
        boolean begun = replaying.putIfAbsent(room, new Replay()) == null;
        replayingRooms = replaying.size();
        return begun;
    }

    /**
     * Holds a live message of the room while the room replays, and says so; false when the room is not replaying, and
     * the caller sends the message itself. Called by the fan-out thread, which sees the replays it began itself (on a
     * join); one that a resumed session's reader begins asks for the fan-out's position only after beginning, so a
     * message sent unheld meanwhile is at most in the history too, where the client knows it again by its seq.
     */
    boolean holdIfReplaying(String room, long seq, byte[] line) {
        return replayingRooms > 0 && holdLocked(room, seq, line);
    }

    private synchronized boolean holdLocked(String room, long seq, byte[] line) {
        Replay replay = replaying.get(room);
        if (replay == null) {
            return false;
        }
        if (replay.held.size() >= capacity) {
            replay.droppedThrough = seq;
            replay.held.clear();
            return true;
        }
        replay.held.add(new Held(seq, line));
        return true;
    }

    /** The room is left: its replay, if any, ends without a word. */
    synchronized void abandon(String room) {
        replaying.remove(room);
        replayingRooms = replaying.size();
    }

    /**
     * Sends the history that is left, {@code messages}, as frames of which the last says {@code more: false}, then the
     * held messages above {@code historyThrough}, and ends the replay, all at once so no live message slips in
     * between. Unless live messages were dropped since the last call: then nothing is sent, the replay goes on, and
     * the answer is the seq the history must now be read up to (exclusive). -1 when the replay is over.
     */
    synchronized long finish(String room, List<ServerFrame> messages, long historyThrough, String ref) {
        Replay replay = replaying.get(room);
        if (replay == null) {
            return -1;
        }
        if (replay.droppedThrough >= 0) {
            long readUpTo = replay.droppedThrough + 1;
            replay.droppedThrough = -1;
            return readUpTo;
        }
        sendFrames(room, messages, false, false, ref);
        flush(room, replay, historyThrough);
        return -1;
    }

    /** Ends the replay without its history: says so, then sends every held message. */
    synchronized void finishUnavailable(String room, List<ServerFrame> messages, String ref) {
        Replay replay = replaying.get(room);
        if (replay != null) {
            sendFrames(room, messages, false, true, ref);
            flush(room, replay, -1);
        }
    }

    /** Sends history that more frames will follow; nothing when the room is no longer replaying. */
    synchronized void sendPart(String room, List<ServerFrame> messages, String ref) {
        if (replaying.containsKey(room) && !messages.isEmpty()) {
            sendFrames(room, messages, true, false, ref);
        }
    }

    /**
     * Sends the held messages, and only then ends the replay: until it ends, the fan-out thread's next delivery to the
     * room waits for this lock, so that it follows them instead of overtaking them.
     */
    private void flush(String room, Replay replay, long historyThrough) {
        for (Held h : replay.held) {
            if (h.seq() > historyThrough) {
                send.accept(h.line());
            }
        }
        replaying.remove(room);
        replayingRooms = replaying.size();
    }

    private void sendFrames(String room, List<ServerFrame> messages, boolean more, boolean unavailable, String ref) {
        List<List<ServerFrame>> chunks = chunks(messages);
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = i == chunks.size() - 1;
            send.accept(FrameCodec.encodeLine(
                new ServerFrame.History(room, null, chunks.get(i), more || !last, unavailable && last, ref)));
        }
    }

    /**
     * Cuts messages into frames of at most {@link Limits#MAX_HISTORY_PAGE} messages and about
     * {@link #MAX_FRAME_MESSAGE_BYTES} bytes; always at least one frame, perhaps empty.
     */
    static List<List<ServerFrame>> chunks(List<ServerFrame> messages) {
        List<List<ServerFrame>> out = new ArrayList<>();
        List<ServerFrame> current = new ArrayList<>();
        int bytes = 0;
        for (ServerFrame m : messages) {
            int size = FrameCodec.encode(m).getBytes(StandardCharsets.UTF_8).length;
            if (!current.isEmpty() && (current.size() == Limits.MAX_HISTORY_PAGE || bytes + size > MAX_FRAME_MESSAGE_BYTES)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(m);
            bytes += size;
        }
        out.add(current);
        return out;
    }

    /** The newest messages of a page that fit one frame, and whether older ones exist (some may have been cut). */
    static HistoryPage newestThatFit(HistoryPage page) {
        List<List<ServerFrame>> chunks = chunks(page.messages());
        if (chunks.size() == 1) {
            return page;
        }
        List<ServerFrame> newest = new ArrayList<>();
        int bytes = 0;
        for (ServerFrame m : page.messages().reversed()) {
            int size = FrameCodec.encode(m).getBytes(StandardCharsets.UTF_8).length;
            if (!newest.isEmpty() && bytes + size > MAX_FRAME_MESSAGE_BYTES) {
                break;
            }
            newest.add(m);
            bytes += size;
        }
        return new HistoryPage(newest.reversed(), true);
    }
}
