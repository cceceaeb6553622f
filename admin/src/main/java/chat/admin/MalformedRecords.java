package chat.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records a service skips as it reads a Kafka topic because they are not what its writers write (not JSON, of
 * the wrong shape or of an unknown type, empty, keyed wrongly): each is told once, as a warning that names it by
 * topic-partition@offset and says why, and counted in {@code chat_malformed_records_total{topic}}. A topic named at
 * construction shows its count from the start, at 0. Thread-safe.
 */
public final class MalformedRecords {
    private static final Logger log = LoggerFactory.getLogger(MalformedRecords.class);
    static final String METER = "chat.malformed.records";

    private final MeterRegistry registry;
    private final Map<String, Counter> byTopic = new ConcurrentHashMap<>();

    public MalformedRecords(MeterRegistry registry, String... topics) {
        this.registry = registry;
        for (String topic : topics) {
            counter(topic);
        }
    }

    /** The record at {@code topic}-{@code partition}@{@code offset} was skipped: {@code why} says what is wrong with it. */
    public void skipped(String topic, int partition, long offset, String why) {
        log.warn("skipping a malformed record at {}-{}@{}: {}", topic, partition, offset, why);
        counter(topic).increment();
    }

    /** How many records of the topic were skipped. */
    public long count(String topic) {
        return (long) counter(topic).count();
    }

    private Counter counter(String topic) {
        return byTopic.computeIfAbsent(topic, t -> Counter.builder(METER)
            .description("records skipped as they were read from the topic: not JSON, of the wrong shape or of an"
                + " unknown type, empty, or keyed wrongly")
            .tag("topic", t).register(registry));
    }
}
