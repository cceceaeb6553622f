package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.GatewayConfig;
import chat.gateway.KafkaClients;
import chat.history.HistoryConfig;
import chat.history.ingest.Ingest;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of ours moves to a partition's new leader alike when a broker dies or stops answering: the
 * history service's consumer has the gateway's failover settings (the two modules cannot share one home for them),
 * and the gateway's producer gives a record up only after the failover is long over.
 */
class KafkaClientSettingsTest {
    private static final String KAFKA = "kafka1:9092";

    @Test
    void theHistoryConsumerHasTheGatewayClientsFailoverSettings() throws Exception {
        GatewayConfig gateway = GatewayConfig.parse(new String[] {"--kafka", KAFKA}, Map.of());
        Properties history = Ingest.consumerProperties(
            HistoryConfig.parse(new String[] {"--kafka", KAFKA}, Map.of()).ingestSource());
        Properties fanOut = KafkaClients.consumerProperties(gateway, "fanout", 2_000);
        Properties events = KafkaClients.producerProperties(gateway, "events", "lz4");
        KafkaClients.failoverSettings().forEach((name, value) -> {
            assertEquals(value.toString(), String.valueOf(history.get(name)), "the history consumer's " + name);
            assertEquals(value.toString(), String.valueOf(fanOut.get(name)), "the gateway consumer's " + name);
            assertEquals(value.toString(), String.valueOf(events.get(name)), "the gateway producer's " + name);
        });
    }

    @Test
    void aRecordIsSentAgainWithinTheSendTimeoutWhateverItIs() throws Exception {
        for (String sendTimeout : new String[] {"1000", "3000", "15000"}) {
            GatewayConfig gateway = GatewayConfig.parse(new String[] {"--kafka", KAFKA, "--send-timeout-ms", sendTimeout},
                Map.of());
            Properties events = KafkaClients.producerProperties(gateway, "events", "lz4");
            int request = (Integer) events.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
            int delivery = (Integer) events.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
            assertEquals(Integer.parseInt(sendTimeout), delivery, "a record is given up at the send timeout");
            assertTrue(2 * request <= delivery, "a broker that does not answer is given up on in time to try another: "
                + request + " ms of " + delivery);
        }
    }
}
