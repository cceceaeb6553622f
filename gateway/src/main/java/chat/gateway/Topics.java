package chat.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the gateway's topics when they do not exist yet, so a gateway pointed at a fresh cluster just works. */
final class Topics {
    private Topics() {}

    static void ensure(GatewayConfig config) throws InterruptedException {
        ensure(config, new NewTopic(config.topic(), config.topicPartitions(), config.topicReplication())
            .configs(durability(config)));
        Map<String, String> presence = new HashMap<>(durability(config));
        // Leases run on the broker's clock, not the writers': every gateway must read the same times.
        presence.put("message.timestamp.type", "LogAppendTime");
        // Every gateway replays the whole topic when it starts, so nothing may be deleted from under it.
        presence.put("retention.ms", "-1");
        ensure(config, new NewTopic(config.presenceTopic(), 1, config.topicReplication()).configs(presence));
    }

    private static Map<String, String> durability(GatewayConfig config) {
        return Map.of("min.insync.replicas", config.topicReplication() >= 3 ? "2" : "1");
    }

    private static void ensure(GatewayConfig config, NewTopic topic) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic.name())) {
                return;
            }
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.kafkaBootstrapServers() + " did not answer: " + e, e);
        }
    }
}
