package chat.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MalformedRecordsTest {
    @Test
    void eachSkippedRecordCountsOnceForItsTopicAndATopicNamedAtTheStartShowsZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MalformedRecords malformed = new MalformedRecords(registry, "chat.events", "chat.presence");
        assertEquals(0, registry.get("chat.malformed.records").tag("topic", "chat.presence").counter().count());
        malformed.skipped("chat.events", 2, 41, "event is not JSON");
        malformed.skipped("chat.events", 0, 7, "the record has no key");
        malformed.skipped("other", 0, 0, "the record has no value");
        assertEquals(2, malformed.count("chat.events"));
        assertEquals(0, malformed.count("chat.presence"));
        assertEquals(1, registry.get("chat.malformed.records").tag("topic", "other").counter().count());
    }
}
