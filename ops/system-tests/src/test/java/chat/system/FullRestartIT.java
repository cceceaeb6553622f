package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.gateway.Gateway;
import chat.history.HistoryService;
import chat.ops.kafka.LocalKafkaCluster;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** After every part stops, Kafka too, and starts again, the history is all there. On SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Database.class)
class FullRestartIT {
    @Parameter
    Database database;

    @TempDir
    Path dir;

    @Test
    void afterEverythingRestartsAJoinGetsTheLast50AndAfterGetsExactlyWhatWasMissed() throws Exception {
        String topic = TestGateway.freshTopic();
        String dbUrl = database.freshUrl(dir);
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir.resolve("kafka"))) {
            long bobLastSeen;
            HistoryService history = Stack.history(kafka.bootstrapServers(), topic, dbUrl);
            Gateway gateway = Stack.gateway(kafka.bootstrapServers(), "gw1", topic, history.port());
            try (ChatTestClient alice = ChatTestClient.login(gateway.port(), "alice")) {
                alice.join("lobby");
                try (ChatTestClient bob = ChatTestClient.login(gateway.port(), "bob")) {
                    bob.join("lobby");
                    Stack.sayAndAwaitAcks(alice, "lobby", "a", 80);
                    bobLastSeen = bob.messages("lobby", 80).getLast().seq();
                }
                List<Long> missed = Stack.sayAndAwaitAcks(alice, "lobby", "b", 5);
                Stack.awaitIngested(history.port(), "lobby", missed.getLast());
            } finally {
                gateway.close();
                history.close();
                kafka.stopBroker(1);
            }

            kafka.startBroker(1);
            history = Stack.history(kafka.bootstrapServers(), topic, dbUrl);
            gateway = Stack.gateway(kafka.bootstrapServers(), "gw1", topic, history.port());
            try (ChatTestClient carol = ChatTestClient.login(gateway.port(), "carol");
                 ChatTestClient bob = ChatTestClient.login(gateway.port(), "bob")) {
                List<String> last50 = new ArrayList<>(IntStream.range(35, 80).mapToObj(i -> "a" + i).toList());
                last50.addAll(List.of("b0", "b1", "b2", "b3", "b4"));
                assertEquals(last50, carol.joinAndReplay("lobby", null).ids());
                assertEquals(List.of("b0", "b1", "b2", "b3", "b4"), bob.joinAndReplay("lobby", bobLastSeen).ids());
            } finally {
                gateway.close();
                history.close();
            }
        }
    }
}
