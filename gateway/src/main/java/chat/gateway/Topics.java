package chat.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the gateway's topics when they do not exist yet, so a gateway pointed at a fresh cluster just works. */
final class Topics {
    private Topics() {}

    static void ensure(GatewayConfig config) throws InterruptedException {
        Map<String, String> durability = Map.of("min.insync.replicas", config.topicReplication() >= 3 ? "2" : "1");
        Map<String, String> presence = new HashMap<>(durability);
        // Leases run on the broker's clock, not the writers': every gateway must read the same times.
        presence.put("message.timestamp.type", "LogAppendTime");
        // Every gateway replays the whole topic when it starts, so nothing may be deleted from under it.
        presence.put("retention.ms", "-1");
        List<NewTopic> wanted = List.of(
            new NewTopic(config.topic(), config.topicPartitions(), config.topicReplication()).configs(durability),
            new NewTopic(config.presenceTopic(), 1, config.topicReplication()).configs(presence));

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            CreateTopicsResult created = admin.createTopics(missing);
            for (NewTopic topic : missing) {
                try {
                    created.values().get(topic.name()).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.kafkaBootstrapServers() + " did not answer: " + e, e);
        }
    }
}
