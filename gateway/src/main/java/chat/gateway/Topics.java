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

/**
 * Creates the gateway's topics when they do not exist yet, so a gateway pointed at a fresh cluster just works; and
 * says what each topic's settings are, for whoever creates them otherwise (the compose file's topics job).
 */
public final class Topics {
    /**
     * How large the presence topic grows before its oldest records are deleted. Far above what comes between two
     * snapshots (some megabytes), so the newest snapshot always covers what is deleted; and by size, not age, so a
     * cluster that stands still deletes nothing however long it stands (see docs/ARCHITECTURE.md).
     */
    static final long PRESENCE_RETENTION_BYTES = 1L << 30;
    /** Segments small enough that size retention deletes a little at a time. */
    static final int PRESENCE_SEGMENT_BYTES = 64 << 20;

    private Topics() {}

    /** The settings of the chat topic. */
    public static Map<String, String> chatTopicConfigs(GatewayConfig config) {
        return Map.of("min.insync.replicas", config.topicReplication() >= 3 ? "2" : "1");
    }

    /** The settings of the presence topic. */
    public static Map<String, String> presenceTopicConfigs(GatewayConfig config) {
        Map<String, String> presence = new HashMap<>(chatTopicConfigs(config));
        // Leases run on the broker's clock, not the writers': every gateway must read the same times.
        presence.put("message.timestamp.type", "LogAppendTime");
        // Gateways replay from the newest snapshot, so old records may go, but never by age: see the retention above.
        presence.put("retention.ms", "-1");
        presence.put("retention.bytes", Long.toString(PRESENCE_RETENTION_BYTES));
        presence.put("segment.bytes", Integer.toString(PRESENCE_SEGMENT_BYTES));
        return Map.copyOf(presence);
    }

    /**
     * The settings of the presence snapshot topic: compacted, so the newest snapshot stays for ever and the older go
     * (an hour's segments at a time); records as large as a snapshot may be.
     */
    public static Map<String, String> presenceSnapshotTopicConfigs(GatewayConfig config) {
        Map<String, String> snapshots = new HashMap<>(chatTopicConfigs(config));
        snapshots.put("cleanup.policy", "compact");
        snapshots.put("max.message.bytes", Integer.toString(PresenceSnapshots.MAX_RECORD_BYTES));
        snapshots.put("segment.bytes", Integer.toString(2 * PresenceSnapshots.MAX_RECORD_BYTES));
        snapshots.put("segment.ms", "3600000");
        return Map.copyOf(snapshots);
    }

    /** Creates those of the gateway's topics that do not exist, with the settings above; leaves the others be. */
    public static void ensure(GatewayConfig config) throws InterruptedException {
        List<NewTopic> wanted = List.of(
            new NewTopic(config.topic(), config.topicPartitions(), config.topicReplication())
                .configs(chatTopicConfigs(config)),
            new NewTopic(config.presenceTopic(), 1, config.topicReplication()).configs(presenceTopicConfigs(config)),
            new NewTopic(config.presenceSnapshotTopic(), 1, config.topicReplication())
                .configs(presenceSnapshotTopicConfigs(config)));

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
