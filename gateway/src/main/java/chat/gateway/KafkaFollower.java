package chat.gateway;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that owns a Kafka consumer: it polls, hands each poll's records (none when the poll waited in
 * vain) to its owner, and again, until closed or until the owner throws; then it closes the consumer. The owner's
 * handler runs on this thread alone, between two polls, so what it does there needs no lock against the next poll.
 * Thread-safe: {@link #close} from any thread.
 */
final class KafkaFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaFollower.class);

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration poll;
    private final Consumer<ConsumerRecords<byte[], byte[]>> handler;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /** {@code poll}: how long a poll waits for records before the handler is called without any. */
    KafkaFollower(String name, KafkaConsumer<byte[], byte[]> consumer, Duration poll,
                  Consumer<ConsumerRecords<byte[], byte[]>> handler) {
        this.name = name;
        this.consumer = consumer;
        this.poll = poll;
        this.handler = handler;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                handler.accept(consumer.poll(poll));
            }
        } catch (WakeupException e) {
            // close() woke us to stop.
        } catch (RuntimeException e) {
            log.error("{} stopped", name, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            stopped.countDown();
        }
    }

    /** Stops the thread, waking it from its poll, and waits up to 5 s for it to close the consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
