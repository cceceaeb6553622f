package chat.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A steady stream of records through one partition, and when each was sent, acknowledged and read back: a producer
 * thread sends one every {@code 1/rate} s on a fixed schedule (a send that is late does not push the next ones back),
 * each record carrying its number and the time it was sent, and a consumer thread reads the partition from its end.
 * Times are this JVM's {@link System#nanoTime}, shared by both sides. Thread-safe: each time is written once, by the
 * producer's I/O thread (acks) or the consumer thread (deliveries), and read by anyone.
 */
final class FailoverTraffic implements AutoCloseable {
    /** About the size of a chat message on the topic. */
    private static final int RECORD_BYTES = 100;
    private static final long NONE = 0;

    /**
     * What became of the records sent in a span of time: their added latencies (sorted, in nanoseconds), how many
     * failed or are still unacknowledged or unread, and the longest gap in their acks.
     */
    record Stall(int records, int failed, int unacked, int undelivered, long[] addedNanos, long longestAckGapNanos) {
        /** The records of several spans together; the longest gap is the longest of theirs. */
        static Stall merge(List<Stall> stalls) {
            long[] added = stalls.stream().flatMapToLong(s -> Arrays.stream(s.addedNanos)).sorted().toArray();
            return new Stall(stalls.stream().mapToInt(Stall::records).sum(), stalls.stream().mapToInt(Stall::failed).sum(),
                stalls.stream().mapToInt(Stall::unacked).sum(), stalls.stream().mapToInt(Stall::undelivered).sum(), added,
                stalls.stream().mapToLong(Stall::longestAckGapNanos).max().orElse(0));
        }

        double p50Millis() {
            return addedNanos.length == 0 ? 0 : Percentiles.millis(addedNanos, 50);
        }

        double p99Millis() {
            return addedNanos.length == 0 ? 0 : Percentiles.millis(addedNanos, 99);
        }

        double maxMillis() {
            return addedNanos.length == 0 ? 0 : addedNanos[addedNanos.length - 1] / 1e6;
        }

        double longestAckGapMillis() {
            return longestAckGapNanos / 1e6;
        }
    }

    private final String topic;
    private final long intervalNanos;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicLongArray sent;
    private final AtomicLongArray acked;
    private final AtomicLongArray delivered;
    private final AtomicLongArray failed;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger doubled = new AtomicInteger();
    private final Thread sender;
    private final Thread reader;
    private volatile boolean sending = true;
    private volatile boolean reading = true;

    /** {@code capacity}: the most records one run sends; the sender stops there. */
    FailoverTraffic(String topic, int rate, int capacity, Properties producerSettings, Properties consumerSettings) {
        this.topic = topic;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.producer = new KafkaProducer<>(producerSettings);
        this.consumer = new KafkaConsumer<>(consumerSettings);
        this.sent = new AtomicLongArray(capacity);
        this.acked = new AtomicLongArray(capacity);
        this.delivered = new AtomicLongArray(capacity);
        this.failed = new AtomicLongArray(capacity);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        // Fixes the position now, before the first record is sent, so that the reader misses none.
        consumer.position(partition);
        this.reader = Thread.ofPlatform().name("failover-reader").unstarted(this::read);
        this.sender = Thread.ofPlatform().name("failover-sender").unstarted(this::send);
    }

    void start() {
        reader.start();
        sender.start();
    }

    /** The time now, on the clock the records' times are on. */
    static long now() {
        return System.nanoTime();
    }

    private void send() {
        long next = now();
        while (sending && count.get() < sent.length()) {
            long wait = next - now();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            int seq = count.get();
            long at = now();
            byte[] value = ByteBuffer.allocate(RECORD_BYTES).putLong(seq).putLong(at).array();
            sent.set(seq, at);
            count.incrementAndGet();
            producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, e) -> {
                if (e == null) {
                    acked.set(seq, now());
                } else {
                    failed.set(seq, now());
                }
            });
            next += intervalNanos;
        }
    }

    private void read() {
        try {
            while (reading) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long at = now();
                    int seq = (int) ByteBuffer.wrap(record.value()).getLong();
                    if (!delivered.compareAndSet(seq, NONE, at)) {
                        doubled.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() wakes the reader up.
        }
    }

    /** Stops sending, and returns once the last record is handed to the producer. */
    void stopSending() throws InterruptedException {
        sending = false;
        sender.join();
    }

    /** How many records have been sent. */
    int sentCount() {
        return count.get();
    }

    /** Records delivered more than once, over the whole run. */
    int doubled() {
        return doubled.get();
    }

    /** Records acknowledged and never read back, over the whole run so far. */
    int lost() {
        int lost = 0;
        for (int seq = 0; seq < count.get(); seq++) {
            if (acked.get(seq) != NONE && delivered.get(seq) == NONE) {
                lost++;
            }
        }
        return lost;
    }

    /** The number of the first record sent at or after {@code nanos}. */
    int firstSentFrom(long nanos) {
        int n = count.get();
        for (int seq = 0; seq < n; seq++) {
            if (sent.get(seq) - nanos >= 0) {
                return seq;
            }
        }
        return n;
    }

    /**
     * Waits until every record below {@code end} has been acknowledged or failed, and every acknowledged one read
     * back; false if {@code patience} runs out first.
     */
    boolean awaitSettled(int end, Duration patience) throws InterruptedException {
        long deadline = now() + patience.toNanos();
        for (int seq = 0; seq < end; seq++) {
            while (!settled(seq)) {
                if (now() - deadline > 0) {
                    return false;
                }
                Thread.sleep(10);
            }
        }
        return true;
    }

    private boolean settled(int seq) {
        return failed.get(seq) != NONE || (acked.get(seq) != NONE && delivered.get(seq) != NONE);
    }

    /** The median end-to-end latency of the records {@code from} (inclusive) to {@code to}, in nanoseconds. */
    long medianLatency(int from, int to) {
        long[] latencies = latencies(from, to, 0);
        return latencies.length == 0 ? 0 : latencies[latencies.length / 2];
    }

    /**
     * The records {@code from} to {@code to}: each one's end-to-end latency above {@code baseline} (what it took
     * beyond what a record takes when nothing is wrong), and the longest time between two acks among them, counted
     * from {@code since} (the fault: the first ack after it is a gap too).
     */
    Stall stall(int from, int to, long baseline, long since) {
        long[] added = latencies(from, to, baseline);
        List<Long> acks = new ArrayList<>(List.of(since));
        int failures = 0;
        int unacked = 0;
        int undelivered = 0;
        for (int seq = from; seq < to; seq++) {
            if (failed.get(seq) != NONE) {
                failures++;
            } else if (acked.get(seq) == NONE) {
                unacked++;
            } else {
                acks.add(acked.get(seq));
                if (delivered.get(seq) == NONE) {
                    undelivered++;
                }
            }
        }
        acks.sort(null);
        long gap = 0;
        for (int i = 1; i < acks.size(); i++) {
            gap = Math.max(gap, acks.get(i) - acks.get(i - 1));
        }
        return new Stall(to - from, failures, unacked, undelivered, added, gap);
    }

    /**
     * The records' latencies less {@code baseline} (never below 0), sorted: to their delivery, or for one the producer
     * gave up on (as the gateway then answers unavailable), to that moment.
     */
    private long[] latencies(int from, int to, long baseline) {
        long[] latencies = new long[to - from];
        int n = 0;
        for (int seq = from; seq < to; seq++) {
            long end = delivered.get(seq) != NONE ? delivered.get(seq) : failed.get(seq);
            if (end != NONE) {
                latencies[n++] = Math.max(0, end - sent.get(seq) - baseline);
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return sorted;
    }

    @Override
    public void close() throws InterruptedException {
        stopSending();
        reading = false;
        producer.close(Duration.ofSeconds(5));
        consumer.wakeup();
        reader.join();
        consumer.close(Duration.ofSeconds(5));
    }
}
