package chat.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Which partition of the chat topic holds a stream (a room, or a conversation's key): the one rule the gateways'
 * producers place events by, their fan-outs find a stream's position by, and the history service waits on. It is
 * Kafka's own rule for a keyed record (murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count),
 * so the records written before the producers placed them themselves lie where the rule says. Stateless.
 */
public final class ChatPartitions {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private ChatPartitions() {}

    /** The partition of {@code stream} in a topic of {@code partitionCount} partitions. */
    public static int of(String stream, int partitionCount) {
        if (partitionCount <= 0) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitionCount);
        }
        return (murmur2(stream.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitionCount;
    }

    /** MurmurHash2, 32 bits, as Kafka's {@code Utils.murmur2} computes it. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int whole = length & ~3;
        for (int i = 0; i < whole; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = length - whole;
        if (tail == 3) {
            h ^= (data[whole + 2] & 0xff) << 16;
        }
        if (tail >= 2) {
            h ^= (data[whole + 1] & 0xff) << 8;
        }
        if (tail >= 1) {
            h ^= data[whole] & 0xff;
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
