package chat.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that follows a Kafka topic through a consumer it owns: it takes turns (a poll, and what its
 * owner does with the records), again and again until closed. A turn that Kafka fails ({@link KafkaException}: a
 * broker gone, a request timed out) is taken again after a pause, 100 ms doubling to 5 s, and the owner is told why
 * ({@link Listener#retrying}), so that its health check can say so; a success starts the pauses from the first again.
 * Anything else a turn throws stops the follower, and the owner is told ({@link Listener#stopped}). Either way the
 * consumer is closed on this thread. The owner's turn runs on this thread alone, between two polls, so what it does
 * there needs no lock against the next poll. Thread-safe: {@link #close} from any thread.
 */
public final class KafkaFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaFollower.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    /** What the owner is told of how following goes, on the follower's thread. */
    public interface Listener {
        /** A turn failed in Kafka, and is taken again after {@code pause}. */
        default void retrying(KafkaException failure, Duration pause) {}

        /** A turn threw what no retry mends: the follower has stopped. */
        default void stopped(RuntimeException failure) {}
    }

    private final String name;
    private final org.apache.kafka.clients.consumer.Consumer<?, ?> consumer;
    private final Runnable turn;
    private final MonotonicTime time;
    private final Listener listener;
    private final Thread thread;
    /** Notified by {@link #close}, ending a pause between two turns at once. */
    private final Object closing = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * A follower whose every turn is {@code turn}, which polls {@code consumer} itself and does what follows; its
     * pauses are measured and waited in {@code time}.
     */
    public KafkaFollower(String name, org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Runnable turn,
                         MonotonicTime time, Listener listener) {
        this.name = name;
        this.consumer = consumer;
        this.turn = turn;
        this.time = time;
        this.listener = listener;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    /**
     * The usual follower: each turn polls for at most {@code poll} and hands the records (none when the poll waited in
     * vain) to {@code handler}.
     */
    public static <K, V> KafkaFollower polling(String name, org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
                                               Duration poll, Consumer<ConsumerRecords<K, V>> handler,
                                               MonotonicTime time) {
        return new KafkaFollower(name, consumer, () -> handler.accept(consumer.poll(poll)), time, new Listener() { });
    }

    public void start() {
        thread.start();
    }

    /** Whether the follower still takes turns: false once closed, or stopped by a failure. */
    public boolean running() {
        return running;
    }

    private void run() {
        Backoff backoff = new Backoff(FIRST_PAUSE, LONGEST_PAUSE);
        try {
            while (running) {
                try {
                    turn.run();
                    backoff.reset();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    Duration pause = backoff.next();
                    log.warn("{}: Kafka failed; trying again in {} ms: {}", name, pause.toMillis(), e.toString());
                    listener.retrying(e, pause);
                    pause(pause);
                }
            }
        } catch (WakeupException e) {
            // close() woke us to stop.
        } catch (RuntimeException e) {
            log.error("{} stopped", name, e);
            listener.stopped(e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(2));
            stopped.countDown();
        }
    }

    /**
     * Pauses the follower's thread for {@code duration}, or less if the follower is closed meanwhile: between two turns,
     * and within a turn, for an owner that tries something again before it polls again (a write to its store). Called
     * on the follower's thread only.
     */
    public void pause(Duration duration) {
        long until = time.nanoTime() + duration.toNanos();
        try {
            synchronized (closing) {
                for (long left = duration.toNanos(); running && left > 0; left = until - time.nanoTime()) {
                    time.await(closing, Duration.ofNanos(left));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the thread, waking it from its poll or its pause, and waits up to 5 s for it to close the consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        synchronized (closing) {
            closing.notifyAll();
        }
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
