package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ChatEvent;
import chat.protocol.ChatPartitions;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** The chat topic's partition rule is Kafka's for a keyed record, so records written by either lie in one place. */
class ChatPartitionsTest {
    @Test
    void everyStreamLandsWhereKafkasDefaultPartitionerPutsItsKey() {
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            String stream = n % 3 == 0 ? ChatEvent.conversationOf("n" + random.nextInt(), "m" + n) : randomText(random);
            int partitions = 1 + random.nextInt(64);
            assertEquals(BuiltInPartitioner.partitionForKey(stream.getBytes(StandardCharsets.UTF_8), partitions),
                ChatPartitions.of(stream, partitions), stream + " of " + partitions);
        }
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            // Names are ASCII, but a key's bytes of any length and any value hash alike.
            text.appendCodePoint(random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x2000) : 'a' + random.nextInt(26));
        }
        return text.toString();
    }
}
