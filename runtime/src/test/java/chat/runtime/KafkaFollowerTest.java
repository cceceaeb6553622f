package chat.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * How the follower goes on when Kafka fails a turn, and stops when anything else does, on a time in which every pause
 * is over as soon as it begins. The consumer is a real one that never reaches a broker: the turns here do not poll it.
 */
class KafkaFollowerTest {
    /** A time that passes by as much as is waited for, at once, and notes each wait. */
    private static final class PassingTime implements MonotonicTime {
        final List<Duration> waits = new ArrayList<>();
        private long now;

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void await(Object monitor, Duration timeout) {
            waits.add(timeout);
            now += timeout.toNanos();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumerOfNoBroker() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    @Test
    void aTurnKafkaFailsIsTakenAgainAfterPausesThatDoubleAndASuccessStartsThemAgain() throws Exception {
        PassingTime time = new PassingTime();
        AtomicInteger turns = new AtomicInteger();
        IllegalStateException bug = new IllegalStateException("a bug in the owner");
        List<Duration> told = new ArrayList<>();
        CompletableFuture<RuntimeException> stopped = new CompletableFuture<>();
        KafkaFollower follower = new KafkaFollower("test-follower", consumerOfNoBroker(), () -> {
            switch (turns.incrementAndGet()) {
                case 1, 2, 3, 5 -> throw new TimeoutException("no broker answered");
                case 4 -> { }
                default -> throw bug;
            }
        }, time, new KafkaFollower.Listener() {
            @Override
            public void retrying(KafkaException failure, Duration pause) {
                told.add(pause);
            }

            @Override
            public void stopped(RuntimeException failure) {
                stopped.complete(failure);
            }
        });
        follower.start();

        assertSame(bug, stopped.get(10, TimeUnit.SECONDS), "anything but Kafka's failure stops the follower");
        List<Duration> expected = List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
            Duration.ofMillis(100));
        assertEquals(expected, told, "the owner is told of each retry and its pause");
        assertEquals(expected, time.waits, "each pause is waited in the given time, whole");
        assertEquals(6, turns.get());
        follower.close();
        assertFalse(follower.running());
    }

    @Test
    void aCloseEndsAPauseAtOnce() throws Exception {
        CompletableFuture<Void> pausing = new CompletableFuture<>();
        MonotonicTime standingStill = new MonotonicTime() {
            @Override
            public long nanoTime() {
                return 0;
            }

            /** Time stands still: only a notify ends this wait. */
            @Override
            public void await(Object monitor, Duration timeout) throws InterruptedException {
                pausing.complete(null);
                monitor.wait();
            }
        };
        KafkaFollower follower = new KafkaFollower("test-follower", consumerOfNoBroker(), () -> {
            throw new TimeoutException("no broker answered");
        }, standingStill, new KafkaFollower.Listener() { });
        follower.start();
        pausing.get(10, TimeUnit.SECONDS);
        long closing = System.nanoTime();
        follower.close();
        assertFalse(follower.running());
        assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(4),
            "the close waited for a pause that would never end by itself");
    }
}
