package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplaysTest {
    private final List<ServerFrame> sent = new ArrayList<>();
    private final Replays replays = new Replays(line -> sent.add(decode(line)), 4);

    private static ServerFrame decode(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), "a line ends with its newline");
        try {
            return FrameCodec.decodeServer(text.substring(0, text.length() - 1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ServerFrame.Message message(long seq) {
        return new ServerFrame.Message("lobby", "alice", "text " + seq, "m" + seq, seq, "2026-11-23T10:00:00.000Z");
    }

    /** A live message, as the connection delivers it: held while the room replays, sent otherwise. */
    private void live(long seq) {
        byte[] line = FrameCodec.encodeLine(message(seq));
        if (!replays.holdIfReplaying("lobby", seq, line)) {
            sent.add(decode(line));
        }
    }

    @Test
    void liveMessagesWaitForTheHistoryAndThoseItHeldAreNotSentTwice() {
        live(1);
        assertTrue(replays.begin("lobby"));
        live(5);
        live(6);
        assertEquals(List.of(message(1)), sent, "only the message from before the replay went out");

        // The history reached seq 5 (its reader caught up with one held message): 5 is not sent again.
        assertEquals(-1, replays.finish("lobby", List.of(message(3), message(5)), 5, "j"));
        live(7);
        assertEquals(List.of(message(1),
            new ServerFrame.History("lobby", null, List.of(message(3), message(5)), false, false, "j"),
            message(6), message(7)), sent);
    }

    @Test
    void aLiveMessageDeliveredWhileTheHeldOnesGoOutFollowsThemAll() throws Exception {
        List<Long> out = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> fanOut = new AtomicReference<>();
        AtomicReference<Replays> ref = new AtomicReference<>();
        Replays racing = new Replays(line -> {
            if (decode(line) instanceof ServerFrame.Message m) {
                out.add(m.seq());
                if (fanOut.get() == null) {
                    // The fan-out thread delivers the next message while the first held one goes out.
                    Thread t = Thread.ofPlatform().start(() -> {
                        byte[] next = FrameCodec.encodeLine(message(9));
                        if (!ref.get().holdIfReplaying("lobby", 9, next)) {
                            out.add(9L);
                        }
                    });
                    fanOut.set(t);
                    awaitBlockedOrDone(t);
                }
            }
        }, 4);
        ref.set(racing);
        racing.begin("lobby");
        racing.holdIfReplaying("lobby", 6, FrameCodec.encodeLine(message(6)));
        racing.holdIfReplaying("lobby", 7, FrameCodec.encodeLine(message(7)));
        racing.finish("lobby", List.of(), 5, "j");
        fanOut.get().join(10_000);
        assertEquals(List.of(6L, 7L, 9L), out, "never a live message ahead of one held before it");
    }

    /** Waits until {@code t} waits for a lock or has ended; fails after 10 s. */
    private static void awaitBlockedOrDone(Thread t) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.TERMINATED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the delivering thread neither waited nor ended: " + t.getState());
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aRoomTooBusyToHoldIsReadFurtherFromTheHistory() {
        replays.begin("lobby");
        IntStream.rangeClosed(10, 15).forEach(this::live);
        // Four fit: 14 found them full, so 10 to 14 were dropped and 15 is held afresh.
        assertEquals(14 + 1, replays.finish("lobby", List.of(message(2)), 9, "j"),
            "past the bound the held messages are dropped, and the history must be read up to the newest of them");
        live(16);
        assertEquals(List.of(), sent, "nothing goes out until the replay is done");

        replays.sendPart("lobby", List.of(message(2)), "j");
        assertEquals(-1, replays.finish("lobby", List.of(message(10), message(14)), 14, "j"));
        assertEquals(List.of(
            new ServerFrame.History("lobby", null, List.of(message(2)), true, false, "j"),
            new ServerFrame.History("lobby", null, List.of(message(10), message(14)), false, false, "j"),
            message(15), message(16)), sent);
    }

    @Test
    void withoutHistoryTheHeldMessagesFollowTheUnavailableNotice() {
        replays.begin("lobby");
        live(4);
        replays.finishUnavailable("lobby", List.of(), "j");
        assertEquals(List.of(new ServerFrame.History("lobby", null, List.of(), false, true, "j"), message(4)), sent);
    }

    @Test
    void aLeftRoomsReplayEndsSilently() {
        replays.begin("lobby");
        live(4);
        replays.abandon("lobby");
        assertEquals(-1, replays.finish("lobby", List.of(message(1)), 1, "j"));
        assertEquals(List.of(), sent);
    }

    @Test
    void aSecondReplayOfTheSameRoomDoesNotStart() {
        assertTrue(replays.begin("lobby"));
        assertEquals(false, replays.begin("lobby"));
    }

    @Test
    void longHistoryIsCutIntoFramesOfBoundedSize() {
        List<ServerFrame> many = IntStream.range(0, 1_200).mapToObj(i -> (ServerFrame) message(i)).toList();
        assertEquals(List.of(500, 500, 200), Replays.chunks(many).stream().map(List::size).toList());

        String big = "x".repeat(Limits.MAX_TEXT_CODE_POINTS);
        List<ServerFrame> bulky = IntStream.range(0, 300).mapToObj(i ->
            (ServerFrame) new ServerFrame.Message("lobby", "a", big, "b" + i, i, "2026-11-23T10:00:00.000Z")).toList();
        List<List<ServerFrame>> chunks = Replays.chunks(bulky);
        assertTrue(chunks.size() > 1);
        for (List<ServerFrame> chunk : chunks) {
            int bytes = FrameCodec.encode(new ServerFrame.History("lobby", null, chunk, true, false, null)).length();
            assertTrue(bytes < Replays.MAX_FRAME_MESSAGE_BYTES + 1_024, "frame of " + bytes + " bytes");
        }
        assertEquals(List.of(List.of()), Replays.chunks(List.of()), "an empty replay is still one frame");
    }
}
