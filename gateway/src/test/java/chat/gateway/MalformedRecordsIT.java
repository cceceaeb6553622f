package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ChatEvent;
import chat.protocol.ClientFrame;
import chat.protocol.EventCodec;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.JavaProcess;
import chat.testkit.LocalHttp;
import chat.testkit.Poll;
import chat.testkit.ScrapedMetrics;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that no gateway wrote, put straight into the chat topic and the presence topic (not JSON, JSON of the wrong
 * shape, a type nobody knows, an empty or no value, no key), stop neither the fan-out nor the presence follower: a
 * message said afterwards reaches its room, and a hello and a join afterwards are decided and announced. None of
 * them is acted on, and each is told of once: a warning naming it by topic-partition@offset in the gateway's log, and
 * one more in {@code chat_malformed_records_total} for its topic.
 */
class MalformedRecordsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void malformedRecordsAreSkippedAndToldOfOnceAndTheGatewayGoesOn(@TempDir Path logs) throws Exception {
        String topic = TestGateway.freshTopic();
        String presenceTopic = TestGateway.presenceTopicOf(topic);
        int adminPort = freePort();
        try (JavaProcess gateway = TestGateway.of("malformed", topic).with("--admin-port", Integer.toString(adminPort))
                .startProcess(logs);
             ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice");
             KafkaProducer<byte[], byte[]> producer = producer()) {
            alice.join("lobby");

            // A message of the room that is whole but for its key: delivered, it would carry another partition's seq.
            ChatEvent.MessagePosted unkeyed = new ChatEvent.MessagePosted("lobby", "mallory", "unkeyed", "x-1",
                "2026-11-23T10:00:00.000Z", "elsewhere");
            byte[] lobby = "lobby".getBytes(StandardCharsets.UTF_8);
            List<RecordMetadata> chatRecords = List.of(
                send(producer, topic, lobby, new byte[] {(byte) 0xff, 'n', 'o', 't', ' ', '{'}),
                send(producer, topic, lobby, utf8("{\"v\":1,\"type\":\"message\",\"room\":5}")),
                send(producer, topic, lobby, utf8("{\"v\":1,\"type\":\"poke\",\"room\":\"lobby\"}")),
                send(producer, topic, lobby, new byte[0]),
                send(producer, topic, lobby, null),
                send(producer, topic, null, EventCodec.encode(unkeyed)));
            byte[] someone = utf8("nick:someone");
            List<RecordMetadata> presenceRecords = List.of(
                send(producer, presenceTopic, someone, utf8("}{")),
                send(producer, presenceTopic, someone, utf8("{\"v\":1,\"type\":\"claim\",\"nick\":7}")),
                send(producer, presenceTopic, someone, utf8("{\"v\":1,\"type\":\"poke\"}")),
                send(producer, presenceTopic, someone, new byte[0]),
                send(producer, presenceTopic, someone, null),
                // A gateway's start, but for its key: applied, it would register a gateway that is not there.
                send(producer, presenceTopic, null,
                    utf8("{\"v\":1,\"type\":\"heartbeat\",\"gateway\":\"ghost\",\"incarnation\":\"ghost-1\",\"start\":true}")));

            Poll.until("the gateway counts every malformed record", WAIT, Duration.ofMillis(50),
                () -> malformed(adminPort, topic) + malformed(adminPort, presenceTopic), n -> n >= 12);

            // The presence follower goes on: a hello is decided, and a join announced to the room.
            try (ChatTestClient bob = ChatTestClient.login(gateway.port(), "bob")) {
                bob.join("lobby");
                alice.nextMatching(ServerFrame.Presence.class, p -> p.nicks().contains("bob"));
                // The fan-out goes on: a message said now reaches the room, and nothing of the malformed records did.
                bob.send(new ClientFrame.Say("lobby", "still here", "b-1", null));
                List<ServerFrame> seen = alice.until(f -> f instanceof ServerFrame.Message m && m.id().equals("b-1"));
                assertTrue(seen.stream().noneMatch(f -> f instanceof ServerFrame.Message m && !m.from().equals("bob")),
                    "alice got a message of a malformed record: " + seen);
            }

            assertEquals(6, malformed(adminPort, topic), "each malformed record of the chat topic counted once");
            assertEquals(6, malformed(adminPort, presenceTopic), "each malformed record of the presence topic counted once");
            String log = readLog(logs);
            List<RecordMetadata> all = new ArrayList<>(chatRecords);
            all.addAll(presenceRecords);
            for (RecordMetadata record : all) {
                String at = "skipping a malformed record at " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + ":";
                assertEquals(1, log.split(java.util.regex.Pattern.quote(at), -1).length - 1, at + " in the log, once");
            }
            assertEquals(200, LocalHttp.get(adminPort, "/health").statusCode());
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] key, byte[] value)
        throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static long malformed(int adminPort, String topic) {
        return (long) ScrapedMetrics.scrape(adminPort).value("chat_malformed_records_total", "topic=\"" + topic + "\"");
    }

    private static String readLog(Path logs) throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            StringBuilder out = new StringBuilder();
            for (Path file : files.toList()) {
                out.append(Files.readString(file));
            }
            return out.toString();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
