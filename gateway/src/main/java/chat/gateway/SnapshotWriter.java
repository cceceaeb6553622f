package chat.gateway;

import chat.gateway.presence.SnapshotCodec;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots of the presence state to the snapshot topic, on a thread of its own, so that encoding and sending
 * a large one never holds up the presence follower. Only the newest snapshot handed over is worth writing: one handed
 * over while another is written replaces any still waiting. Thread-safe: the presence follower hands snapshots over,
 * the writer thread encodes and sends them.
 */
final class SnapshotWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final BlockingQueue<SnapshotCodec.AtOffset> waiting = new ArrayBlockingQueue<>(1);
    private final Thread thread;

    SnapshotWriter(GatewayConfig config) {
        this.topic = config.presenceSnapshotTopic();
        this.producer = KafkaClients.snapshotProducer(config);
        this.thread = Thread.ofVirtual().name("snapshots-" + config.gatewayId()).start(this::run);
    }

    /** Writes {@code snapshot} soon, unless a newer one comes first. Called by the presence follower only. */
    void offer(SnapshotCodec.AtOffset snapshot) {
        // The one caller: nothing can fill the slot between the two calls, so the offer always succeeds.
        waiting.clear();
        waiting.offer(snapshot);
    }

    private void run() {
        try {
            while (true) {
                write(waiting.take());
            }
        } catch (InterruptedException e) {
            // close() stops us.
        }
    }

    private void write(SnapshotCodec.AtOffset snapshot) throws InterruptedException {
        long started = System.nanoTime();
        byte[] value = SnapshotCodec.encode(snapshot);
        int sessions = snapshot.snapshot().sessions().size();
        int accounts = snapshot.snapshot().accounts().size();
        if (value.length > PresenceSnapshots.MAX_SNAPSHOT_BYTES) {
            log.error("the presence snapshot at offset {} ({} sessions, {} accounts) takes {} bytes, more than the {}"
                    + " a snapshot may: it is not written, and starting gateways replay ever more of the presence topic",
                snapshot.offset(), sessions, accounts, value.length, PresenceSnapshots.MAX_SNAPSHOT_BYTES);
            return;
        }
        try {
            producer.send(PresenceSnapshots.record(topic, snapshot.offset(), value)).get();
            log.info("wrote the presence snapshot at offset {}: {} sessions, {} accounts, {} bytes, in {} ms",
                snapshot.offset(), sessions, accounts, value.length, (System.nanoTime() - started) / 1_000_000);
        } catch (ExecutionException e) {
            log.warn("the presence snapshot at offset {} was not written: {}", snapshot.offset(), e.getCause().toString());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        producer.close(Duration.ofSeconds(1));
    }
}
