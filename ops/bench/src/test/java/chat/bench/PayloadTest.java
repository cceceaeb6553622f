package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** A bench message's text, written and read back into a receiver's receipts. */
class PayloadTest {
    private static final int SENDERS = 50;

    @Test
    void isOneHundredBytesOfPlainText() {
        String text = new String(Payload.encode(3, 49, 1234, true, -5_000_000_000L), StandardCharsets.US_ASCII);

        assertEquals(Payload.SIZE, text.length());
        assertTrue(text.matches("[a-z0-9 -]+"), text);
    }

    @Test
    void recordsTheMessageOfItsStepSenderAndCounterWithItsLatency() {
        Receipts receipts = new Receipts(SENDERS, 4);
        String before = "{\"type\":\"message\",\"text\":\"";
        byte[] line = frame(before, Payload.encode(2, 7, 3, true, -1_000_000L), "\",\"id\":\"x\"}");

        assertTrue(Payload.record(line, before.length(), line.length, receipts, 2_500_000L));

        BitSet expected = new BitSet();
        expected.set(3 * SENDERS + 7);
        assertEquals(expected, receipts.seen(2));
        int[] latencies = new int[1];
        assertEquals(1, receipts.copyLatencies(2, latencies, 0));
        assertEquals(3_500, latencies[0], "microseconds from a negative nanoTime to a positive one");
    }

    @Test
    void countsASecondCopyAsDoubledAndAWarmupMessageWithoutLatency() {
        Receipts receipts = new Receipts(SENDERS, 1);
        byte[] warmup = Payload.encode(0, 1, 0, false, 0);

        assertTrue(Payload.record(warmup, 0, warmup.length, receipts, 10));
        assertTrue(Payload.record(warmup, 0, warmup.length, receipts, 20));

        assertEquals(1, receipts.distinct(0));
        assertEquals(1, receipts.doubled(0));
        assertEquals(0, receipts.measured(0));
        assertEquals(2, receipts.deliveries());
    }

    @Test
    void recordsNothingOfTextThatIsNotABenchMessage() {
        Receipts receipts = new Receipts(SENDERS, 1);
        for (String text : new String[] {"hello", "fo 0 1", "fo 0 1 2 m", "fo x 1 2 m 3 ", "fo 0 1 2 m 3"}) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertFalse(Payload.record(bytes, 0, bytes.length, receipts, 0), text);
        }
        assertEquals(0, receipts.deliveries());
    }

    private static byte[] frame(String before, byte[] payload, String after) {
        return (before + new String(payload, StandardCharsets.US_ASCII) + after).getBytes(StandardCharsets.US_ASCII);
    }
}
