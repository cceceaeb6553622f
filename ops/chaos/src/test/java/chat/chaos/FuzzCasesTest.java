package chat.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.protocol.FrameCodec;
import chat.protocol.LineReader;
import chat.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's cases without a gateway: a seed makes the same cases, every kind comes up, and wherever the protocol's
 * own codec can tell the answer (the errors it finds in a line, and that a line is a frame), the answer a case expects
 * from the documentation is the codec's. What comes after the codec (hello first, membership) is for {@link FuzzIT}.
 */
class FuzzCasesTest {
    private static final Set<String> CODEC_CODES = Set.of("bad_frame", "frame_too_large", "unknown_type", "bad_nick",
        "bad_room", "bad_text", "bad_password");

    @Test
    void theSameSeedMakesTheSameCases() {
        List<FuzzCase> first = cases(42, 300);
        List<FuzzCase> again = cases(42, 300);
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).kind(), again.get(i).kind());
            assertArrayEquals(first.get(i).bytes(), again.get(i).bytes(), first.get(i).what());
        }
        assertFalse(java.util.Arrays.equals(first.get(0).bytes(), cases(43, 1).get(0).bytes()), "another seed, other cases");
    }

    @Test
    void everyCaseTheCodecCanJudgeExpectsTheCodecsVerdict() throws IOException {
        Set<FuzzKind> seen = EnumSet.noneOf(FuzzKind.class);
        for (int seed = 0; seed < 24; seed++) {
            for (FuzzCase c : cases(seed, 250)) {
                seen.add(c.kind());
                assertEquals(expectedVerdicts(c), verdicts(c.bytes()), c.kind() + ": " + c.what() + "\n" + c.preview());
            }
        }
        assertEquals(EnumSet.allOf(FuzzKind.class), seen);
    }

    /**
     * Cases for sessions in every state: before the welcome, in the room, out of it. The session changes as the
     * expected answers say, as it does on a connection.
     */
    private static List<FuzzCase> cases(long seed, int count) {
        FuzzCases cases = new FuzzCases(new SplittableRandom(seed));
        List<FuzzCase> out = new ArrayList<>();
        FuzzSession session = new FuzzSession("fzt1g1", "fzt-1");
        for (int i = 0; i < count; i++) {
            if (i % 50 == 10) {
                session.welcome();
                session.apply(FuzzExpectation.Effect.JOINED);
            }
            FuzzCase c = cases.next(session);
            session.apply(c.expect().effect());
            out.add(c);
        }
        return out;
    }

    /** What the codec must find in each line of the case: an error's code, or "frame". */
    private static List<String> expectedVerdicts(FuzzCase c) {
        String label = c.expect().label();
        List<String> out = new ArrayList<>();
        if (label.startsWith("error ")) {
            String code = label.substring("error ".length()).split("[ ,]")[0];
            if (CODEC_CODES.contains(code)) {
                for (int i = 0; i < c.lines(); i++) {
                    out.add(code);
                }
                return out;
            }
        }
        for (int i = 0; i < c.lines(); i++) {
            out.add("frame");
        }
        return out;
    }

    private static List<String> verdicts(byte[] bytes) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes));
        List<String> out = new ArrayList<>();
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (ProtocolException e) {
                out.add(e.code().wireName());
                if (e.code().wireName().equals("frame_too_large")) {
                    return out;
                }
                continue;
            }
            if (line == null) {
                return out;
            }
            try {
                FrameCodec.decodeClient(line);
                out.add("frame");
            } catch (ProtocolException e) {
                out.add(e.code().wireName());
            }
        }
    }
}
