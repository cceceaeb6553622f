package chat.gateway;

import chat.protocol.MessageKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids lately seen, of every room and conversation, so that a message resent after a failover is delivered
 * once. Memory is bounded by one count over all streams, the first seen forgotten first: a busy room's ids then last
 * as long as a quiet one's, which matters after a restart of everything, when clients resend what they said minutes
 * before while the busy rooms went on. Thread-safe (one lock; the fan-out thread records, connection threads look up).
 */
final class RecentIds {
    /** Where and when a message id was first seen. */
    record Seen(long seq, String ts) {}

    private final LinkedHashMap<MessageKey, Seen> seen;

    RecentIds(int capacity) {
        this.seen = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MessageKey, Seen> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The first sighting of the message, or null when there was none. */
    synchronized Seen find(MessageKey message) {
        return seen.get(message);
    }

    /** Records a sighting; returns the earlier one when the message was already seen (then nothing changes), else null. */
    synchronized Seen recordIfFirst(MessageKey message, Seen sighting) {
        return seen.putIfAbsent(message, sighting);
    }
}
