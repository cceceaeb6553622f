package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.gateway.Gateway;
import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.EventCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.JavaProcess;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every acked message reaches the database exactly once: through a history service killed with SIGKILL in the middle
 * of a stream, a resend of the same id, and the same message written to the topic twice. On SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Database.class)
class HistoryDurabilityIT {
    private static final int MESSAGES = 10_000;

    @Parameter
    Database database;

    @TempDir
    Path dir;

    @Test
    void everyAckedMessageIsStoredExactlyOnceThroughAKilledHistoryService() throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        String dbUrl = database.freshUrl(dir);
        Gateway gateway = Stack.gateway(kafka, "gw1", topic, 1);
        JavaProcess history = Stack.historyProcess("history-1", kafka, topic, dbUrl, dir);
        try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice")) {
            alice.join("log");
            Thread stream = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    alice.say("log", "line " + i, "m" + i);
                }
            });
            Map<String, Long> acked = new HashMap<>();
            while (acked.size() < MESSAGES) {
                ServerFrame.Ack ack = alice.nextMatching(ServerFrame.Ack.class, a -> true);
                acked.put(ack.id(), ack.seq());
                if (acked.size() == 3_000) {
                    // The service is mid-stream: it has stored a good part of what is acked so far. Now kill it.
                    Stack.awaitIngested(history.port(), "log", acked.get("m1000"));
                    history.kill();
                    history = Stack.historyProcess("history-2", kafka, topic, dbUrl, dir);
                }
            }
            stream.join();

            // A recent id is remembered by the gateway, which acks the resend as the first copy and writes nothing.
            String recent = "m" + (MESSAGES - 1);
            alice.send(new ClientFrame.Say("log", "again", recent, "resend-recent"));
            assertEquals(acked.get(recent), alice.nextMatching(ServerFrame.Ack.class, a -> "resend-recent".equals(a.ref())).seq());
            // An old one is not (the gateway keeps the last 1,000 per room): the resend reaches Kafka as a new record.
            alice.send(new ClientFrame.Say("log", "again", "m5", "resend-old"));
            long oldResend = alice.nextMatching(ServerFrame.Ack.class, a -> "resend-old".equals(a.ref())).seq();
            // And a record written twice to the topic outright, as by a producer retrying past its idempotence.
            long duplicate = writeAgainToTheTopic(kafka, topic,
                new ChatEvent.MessagePosted("log", "alice", "line 7", "m7", "2026-11-23T10:00:00.000Z", "gw1"));

            Stack.awaitIngested(history.port(), "log", Math.max(duplicate, oldResend));
            List<ServerFrame.Message> stored = Stack.storedMessages(history.port(), "log");
            assertEquals(MESSAGES, stored.size(), "each message once");
            for (int i = 0; i < MESSAGES; i++) {
                ServerFrame.Message m = stored.get(i);
                assertEquals("m" + i, m.id());
                assertEquals("line " + i, m.text());
                assertEquals(acked.get(m.id()), m.seq(), "stored under the seq its ack gave");
            }
        } finally {
            history.kill();
            gateway.close();
        }
    }

    /** Writes an event to the topic as a gateway that lost its memory of the first copy would: a new offset. */
    private static long writeAgainToTheTopic(String kafka, String topic, ChatEvent event) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            return producer.send(new ProducerRecord<>(topic, EventCodec.key(event), EventCodec.encode(event))).get().offset();
        }
    }
}
