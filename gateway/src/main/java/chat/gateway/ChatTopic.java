package chat.gateway;

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

/** Creates the chat topic when it does not exist yet, so a gateway pointed at a fresh cluster just works. */
final class ChatTopic {
    private ChatTopic() {}

    static void ensure(GatewayConfig config) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(config.topic())) {
                return;
            }
            NewTopic topic = new NewTopic(config.topic(), config.topicPartitions(), config.topicReplication())
                .configs(Map.of("min.insync.replicas", config.topicReplication() >= 3 ? "2" : "1"));
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + config.topic() + ": " + e.getCause(), e);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.kafkaBootstrapServers() + " did not answer: " + e, e);
        }
    }
}
