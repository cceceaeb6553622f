package chat.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The meters of a running gateway, in a Micrometer registry that the admin port serves as {@code /metrics}. Counters
 * are totals; Prometheus turns them into rates ({@code rate(chat_gateway_messages_in_total[1m])}). Thread-safe.
 */
public final class GatewayMetrics {
    private final MeterRegistry registry;
    private final Counter connectionsOpened;
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter framesOut;
    private final Counter duplicatesDropped;
    private final Counter historyUnavailable;
    private final Timer produceLatency;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        connectionsOpened = Counter.builder("chat.gateway.connections.opened")
            .description("TCP connections accepted, including those refused over the limits").register(registry);
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, Counter.builder("chat.gateway.connections.closed")
                .description("connections ended, by reason").tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry));
        }
        messagesIn = Counter.builder("chat.gateway.messages.in")
            .description("messages and DMs clients said that Kafka took").register(registry);
        messagesOut = Counter.builder("chat.gateway.messages.out")
            .description("messages and DMs delivered to this gateway's clients, one per client").register(registry);
        framesOut = Counter.builder("chat.gateway.frames.out")
            .description("frames written to client sockets, of every type").register(registry);
        duplicatesDropped = Counter.builder("chat.gateway.duplicates.dropped")
            .description("resent messages already in Kafka, acked and not delivered again").register(registry);
        historyUnavailable = Counter.builder("chat.gateway.history.unavailable")
            .description("replays and history requests the history service did not answer").register(registry);
        produceLatency = Timer.builder("chat.gateway.kafka.produce")
            .description("from handing an event to the Kafka producer to Kafka's acknowledgement")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(15))
            .register(registry);
    }

    /** Meters no one reads, for unit tests of the parts that count. */
    GatewayMetrics() {
        this(new SimpleMeterRegistry());
    }

    /**
     * Gauges of the gateway's open connections and of what waits in their outbound queues. Held strongly: a gauge
     * only holds its object weakly, and these suppliers have no other owner.
     */
    void gaugeConnections(IntSupplier open, IntSupplier queuedFrames, IntSupplier longestQueue) {
        Gauge.builder("chat.gateway.connections", open, IntSupplier::getAsInt)
            .description("open client connections").strongReference(true).register(registry);
        Gauge.builder("chat.gateway.outbound.queue.frames", queuedFrames, IntSupplier::getAsInt)
            .description("frames waiting in all clients' outbound queues").strongReference(true).register(registry);
        Gauge.builder("chat.gateway.outbound.queue.frames.max", longestQueue, IntSupplier::getAsInt)
            .description("frames waiting in the fullest client outbound queue").strongReference(true).register(registry);
    }

    void connectionOpened() {
        connectionsOpened.increment();
    }

    void connectionClosed(CloseReason reason) {
        closed.get(reason).increment();
    }

    void messageIn() {
        messagesIn.increment();
    }

    void messagesOut(int count) {
        messagesOut.increment(count);
    }

    void framesOut(int count) {
        framesOut.increment(count);
    }

    void duplicateDropped() {
        duplicatesDropped.increment();
    }

    void historyFailed() {
        historyUnavailable.increment();
    }

    void produced(long startNanos) {
        produceLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    long framesOut() {
        return (long) framesOut.count();
    }

    public long connectionsClosed(CloseReason reason) {
        return (long) closed.get(reason).count();
    }
}
