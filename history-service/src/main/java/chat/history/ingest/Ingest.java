package chat.history.ingest;

import chat.admin.MalformedRecords;
import chat.history.store.AccountId;
import chat.history.store.DeliveryMark;
import chat.history.store.HistoryStore;
import chat.history.store.StoreException;
import chat.history.store.StoredMessage;
import chat.protocol.ChatEvent;
import chat.protocol.ChatPartitions;
import chat.protocol.EventCodec;
import chat.protocol.Limits;
import chat.runtime.Backoff;
import chat.runtime.KafkaFollower;
import chat.runtime.MonotonicTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chat topic in the service's consumer group and writes every message and direct message to the store,
 * one transaction per poll, with the marks that say which waiting direct messages were delivered. The store keeps, in the same transaction, how far it has read each partition; a
 * partition this instance is given starts from there ({@link StartingPoint}: from the earliest record Kafka holds
 * when the store has read none of it), never from the group's committed offset, which is committed after the
 * transaction for tools that watch the group. A record read twice (after a crash between the two commits, or a
 * resent message) adds nothing: the store keeps each message once.
 *
 * <p>One platform thread, a {@link KafkaFollower}, owns the consumer; a poll Kafka fails is taken again after the
 * follower's back-off. Other threads read {@link #status()} and wait in {@link #awaitStored}. Every reading of the
 * time and every wait (the back-off between tries, the waits for what is stored) goes through the
 * {@link MonotonicTime} it is given. Thread-safe.
 */
public final class Ingest implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(5);
    /** How often the consumer asks Kafka for the topic's partitions, as the gateways' fan-outs do. */
    static final Duration PARTITIONS_CHECK = Duration.ofSeconds(5);
    /** How long a wait for what is stored goes without looking at the store, when no transaction of this one ends. */
    private static final Duration PROGRESS_LOOK = Duration.ofMillis(50);

    /** What the ingest is doing, for the health check. */
    public record Status(boolean reading, long lag, int partitionsAssigned, String problem) {}

    /**
     * Where the ingest reads: the chat topic on {@code kafkaBootstrapServers}, in the consumer group {@code group}, at
     * most {@code batchMessages} records a poll (and so a transaction). The service's settings give it; the ingest
     * needs none of the rest.
     */
    public record Source(String kafkaBootstrapServers, String topic, String group, int batchMessages) {}

    private final String topic;
    private final HistoryStore store;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaFollower follower;
    private final Counter ingested;
    private final MalformedRecords malformed;
    private final Timer writes;
    /** Signalled after every transaction, for {@link #awaitStored}. */
    private final Object progress = new Object();
    private final MonotonicTime time;
    private final LastPoll lastPoll;
    private volatile long lag;
    private volatile int partitionsAssigned;
    private volatile int partitionCount;
    /**
     * Set when a rebalance may follow partitions added to the topic; the count stands until counted again. Owned by
     * the ingest thread.
     */
    private boolean recount;
    private volatile String problem = "starting";
    /**
     * Assigned partitions not yet told where to start, because the store or Kafka did not answer; kept paused. Owned
     * by the ingest thread.
     */
    private final Set<TopicPartition> unplaced = new HashSet<>();
    /** Why the partitions in {@link #unplaced} wait, or null. */
    private volatile String placing;
    /** Assigned partitions left unread (paused), by partition, with the reason ({@link StartingPoint.Refuse}). */
    private volatile Map<Integer, String> refused = Map.of();

    /** An ingest whose every reading of the time and every wait goes through {@code time}. */
    public Ingest(Source source, HistoryStore store, MeterRegistry registry, MonotonicTime time) {
        this.time = time;
        this.lastPoll = new LastPoll(time);
        this.topic = source.topic();
        this.store = store;
        this.malformed = new MalformedRecords(registry, topic);
        this.ingested = Counter.builder("chat.history.messages.ingested")
            .description("messages and DMs read from the topic and written to the database (a duplicate adds no row)")
            .register(registry);
        this.writes = Timer.builder("chat.history.db.write")
            .description("one database transaction of a poll's messages and positions")
            .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("chat.history.lag.messages", this, i -> i.lag)
            .description("messages in the assigned partitions not yet read").register(registry);
        Gauge.builder("chat.history.reading", this, i -> i.status().reading() ? 1 : 0)
            .description("1 while the service reads the topic, 0 otherwise").register(registry);
        this.consumer = new KafkaConsumer<>(consumerProperties(source));
        this.follower = new KafkaFollower("ingest", consumer, this::pollOnce, time, new KafkaFollower.Listener() {
            @Override
            public void retrying(KafkaException failure, Duration pause) {
                problem = "Kafka: " + failure.getMessage();
            }

            @Override
            public void stopped(RuntimeException failure) {
                problem = "stopped: " + failure;
            }
        });
    }

    /**
     * The consumer's settings. It notices a broker that died or stopped answering, and moves to the partition's new
     * leader, as the gateways' clients do (gateway KafkaClients.failoverSettings, the same values; docs/ARCHITECTURE.md,
     * "When a broker dies"): it waits 2 s for a broker's answer, backs off at most 250 ms between attempts, and gives a
     * connection 1 s to open.
     */
    public static Properties consumerProperties(Source source) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, source.group());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "history-" + source.group());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, source.batchMessages());
        // An instance killed without leaving holds its partitions until its session times out: 10 s, not Kafka's 45.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 250L);
        p.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 250L);
        p.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000L);
        p.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 3_000L);
        // Partitions added to the topic are learned at the next refresh, and the gateways write to them within
        // seconds: a page asked for a stream of a new partition waits on that partition once this knows it.
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) PARTITIONS_CHECK.toMillis());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    public void start() {
        consumer.subscribe(List.of(topic), new StartFromStore());
        follower.start();
    }

    public Status status() {
        String why = problem;
        if (why == null) {
            why = placing;
        }
        if (why == null && !refused.isEmpty()) {
            why = String.join("; ", new TreeMap<>(refused).values());
        }
        if (why == null) {
            why = lastPoll.problem();
        }
        return new Status(follower.running() && why == null, lag, partitionsAssigned, why);
    }

    /** The partition of the topic that holds a stream (a room or a conversation), or -1 while the topic is unknown. */
    public int partitionOf(String stream) {
        int partitions = partitionCount;
        if (partitions == 0) {
            return -1;
        }
        return ChatPartitions.of(stream, partitions);
    }

    /**
     * The number of partitions of the topic, waiting up to {@code patience} while the ingest has not learned it yet
     * (before its first poll); 0 if it has not then.
     */
    public int partitionCount(Duration patience) throws InterruptedException {
        long deadline = time.nanoTime() + patience.toNanos();
        while (partitionCount == 0) {
            long left = deadline - time.nanoTime();
            if (left <= 0) {
                return 0;
            }
            awaitProgress(left);
        }
        return partitionCount;
    }

    /**
     * Waits until the store holds every record of the stream's partition below {@code before}, so that a page read
     * up to {@code before} is complete. False when that did not happen within {@code patience}, and at once when the
     * partition is left unread because its offsets went back ({@link StartingPoint.Refuse}).
     */
    public boolean awaitStored(String stream, long before, Duration patience) throws StoreException, InterruptedException {
        return awaitStored(() -> {
            int partition = partitionOf(stream);
            return partition < 0 ? null : Map.of(partition, before);
        }, patience);
    }

    /**
     * Waits until the store holds every record below {@code positions[p]} of each partition p, as
     * {@link #awaitStored(String, long, Duration)} does for one.
     */
    public boolean awaitStored(long[] positions, Duration patience) throws StoreException, InterruptedException {
        Map<Integer, Long> wanted = new HashMap<>();
        for (int partition = 0; partition < positions.length; partition++) {
            wanted.put(partition, positions[partition]);
        }
        return awaitStored(() -> wanted, patience);
    }

    /** {@code wanted} gives each partition's offset to reach, or null while that cannot be told yet. */
    private boolean awaitStored(Supplier<Map<Integer, Long>> wanted, Duration patience)
        throws StoreException, InterruptedException {
        long deadline = time.nanoTime() + patience.toNanos();
        while (true) {
            Map<Integer, Long> offsets = wanted.get();
            if (offsets != null) {
                Map<Integer, String> unread = refused;
                if (offsets.keySet().stream().anyMatch(unread::containsKey)) {
                    // The store's rows of such a partition and the topic's records do not share their seqs.
                    return false;
                }
                Map<Integer, Long> stored = store.nextOffsets(topic);
                if (offsets.entrySet().stream().allMatch(o -> stored.getOrDefault(o.getKey(), 0L) >= o.getValue())) {
                    return true;
                }
            }
            long left = deadline - time.nanoTime();
            if (left <= 0) {
                return false;
            }
            awaitProgress(left);
        }
    }

    /**
     * Waits for the next transaction, {@code leftNanos} at most, and 50 ms at most: another instance of the group may
     * own the partition waited for, and the store is then looked at again.
     */
    private void awaitProgress(long leftNanos) throws InterruptedException {
        synchronized (progress) {
            time.await(progress, Duration.ofNanos(Math.min(leftNanos, PROGRESS_LOOK.toNanos())));
        }
    }

    private void pollOnce() {
        if (partitionCount == 0 || recount) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            if (partitions != null && !partitions.isEmpty()) {
                partitionCount = partitions.size();
                recount = false;
            }
        }
        if (!unplaced.isEmpty()) {
            place(List.copyOf(unplaced));
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
            store(records);
        } else if (problem != null && problem.startsWith("Kafka")) {
            problem = null;
        }
        if ("starting".equals(problem)) {
            problem = null;
        }
        lastPoll.polled();
        lag = lag();
    }

    /** Writes one poll's messages, retrying until the store takes them or the service stops. */
    private void store(ConsumerRecords<byte[], byte[]> records) {
        List<StoredMessage> messages = new ArrayList<>(records.count());
        List<DeliveryMark> marks = new ArrayList<>();
        Map<Integer, Long> nextOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> ofPartition = records.records(tp);
            for (ConsumerRecord<byte[], byte[]> record : ofPartition) {
                toStored(record, messages, marks);
            }
            long next = ofPartition.getLast().offset() + 1;
            nextOffsets.put(tp.partition(), next);
            commits.put(tp, new OffsetAndMetadata(next));
        }
        Backoff backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF);
        while (follower.running()) {
            try {
                long start = time.nanoTime();
                store.append(topic, messages, marks, nextOffsets);
                writes.record(time.nanoTime() - start, TimeUnit.NANOSECONDS);
                ingested.increment(messages.size());
                problem = null;
                break;
            } catch (StoreException e) {
                problem = "database: " + e.getMessage();
                Duration pause = backoff.next();
                log.warn("{}; trying again in {} ms", e.getMessage(), pause.toMillis());
                follower.pause(pause);
            }
        }
        if (!follower.running()) {
            return;
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        try {
            consumer.commitSync(commits, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The rows and the store's positions are committed; the next owner of the partition starts from those.
            log.info("could not commit offsets to Kafka ({}); the store's positions stand", e.toString());
        }
    }

    /**
     * Adds what the record holds for the store: a message, or a mark that belongs in the same transaction as the
     * messages it follows in the partition. A record that is not an event as a gateway writes it, or that names an
     * account or a conversation the store cannot hold, is skipped and told of: a value the columns cannot hold would
     * fail every transaction it is in, and the ingest with it.
     */
    private void toStored(ConsumerRecord<byte[], byte[]> record, List<StoredMessage> messages, List<DeliveryMark> marks) {
        try {
            switch (EventCodec.decodeRecord(record.key(), record.value())) {
                case ChatEvent.MessagePosted m -> messages.add(StoredMessage.of(m, record.partition(), record.offset()));
                case ChatEvent.DirectMessage d -> {
                    if (!AccountId.isValidOrAbsent(d.fromAccount()) || !AccountId.isValidOrAbsent(d.toAccount())) {
                        throw new IllegalArgumentException("a dm names an account that is not a valid id");
                    }
                    messages.add(StoredMessage.of(d, record.partition(), record.offset()));
                }
                case ChatEvent.WaitingDelivered w -> {
                    if (!AccountId.isValid(w.account()) || !isConversation(w.conversation())) {
                        throw new IllegalArgumentException("waiting_delivered names no valid account and conversation");
                    }
                    marks.add(DeliveryMark.of(w, record.offset()));
                }
                case ChatEvent.MemberJoined j -> { }
                case ChatEvent.MemberLeft l -> { }
            }
        } catch (IllegalArgumentException e) {
            malformed.skipped(record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    /** Whether {@code key} is the conversation key of two valid nicks, as a gateway writes it. */
    private static boolean isConversation(String key) {
        int colon = key.indexOf(':');
        if (!key.startsWith("@") || colon < 0) {
            return false;
        }
        String a = key.substring(1, colon);
        String b = key.substring(colon + 1);
        return Limits.isValidNick(a) && Limits.isValidNick(b) && key.equals(ChatEvent.conversationOf(a, b));
    }

    /** Messages in the assigned partitions not yet read. */
    private long lag() {
        Set<TopicPartition> assigned = consumer.assignment();
        partitionsAssigned = assigned.size();
        long total = 0;
        Set<TopicPartition> unknown = new HashSet<>();
        for (TopicPartition tp : assigned) {
            if (unplaced.contains(tp) || refused.containsKey(tp.partition())) {
                // Not read, for a reason the status gives; their lag would be measured from no position.
                continue;
            }
            OptionalLong known = consumer.currentLag(tp);
            if (known.isPresent()) {
                total += known.getAsLong();
            } else {
                unknown.add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(unknown, Duration.ofSeconds(1));
            for (TopicPartition tp : unknown) {
                total += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(1)));
            }
        }
        return total;
    }

    /**
     * Seeks each partition to where it starts ({@link StartingPoint}) and lets it be read. One whose start cannot be
     * decided yet, because the store or Kafka did not answer, stays paused and is tried again before the next poll;
     * one refused stays paused until it is assigned again.
     */
    private void place(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        consumer.pause(partitions);
        unplaced.addAll(partitions);
        Map<Integer, Long> stored;
        Map<TopicPartition, Long> earliest;
        Map<TopicPartition, Long> ends;
        try {
            stored = store.nextOffsets(topic);
            earliest = consumer.beginningOffsets(partitions, OFFSETS_TIMEOUT);
            ends = consumer.endOffsets(partitions, OFFSETS_TIMEOUT);
        } catch (WakeupException e) {
            throw e;
        } catch (StoreException | KafkaException e) {
            placing = "cannot tell where to start reading partitions " + numbers(unplaced) + ": " + e.getMessage();
            log.warn("{}; trying again", placing);
            return;
        }
        Map<Integer, String> refusedNow = new HashMap<>(refused);
        for (TopicPartition tp : partitions) {
            Long position = stored.get(tp.partition());
            StartingPoint start = StartingPoint.of(topic, tp.partition(), position, earliest.get(tp), ends.get(tp));
            unplaced.remove(tp);
            switch (start) {
                case StartingPoint.Read read -> {
                    refusedNow.remove(tp.partition());
                    consumer.seek(tp, read.offset());
                    consumer.resume(List.of(tp));
                    if (read.gap() != null) {
                        log.warn("{}", read.gap());
                    } else if (position == null) {
                        log.info("the database has read nothing of partition {} of {}: reading it from its earliest"
                            + " offset, {}", tp.partition(), topic, read.offset());
                    }
                }
                case StartingPoint.Refuse refuse -> {
                    refusedNow.put(tp.partition(), refuse.reason());
                    log.error("{}", refuse.reason());
                }
            }
        }
        refused = Map.copyOf(refusedNow);
        placing = unplaced.isEmpty() ? null : placing;
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }

    /** A partition given to this instance starts where the store's rows end, not where the group's offset says. */
    private final class StartFromStore implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // A rebalance may follow partitions added to the topic: count them again.
            recount = true;
            log.info("reading partitions {} of {}", numbers(partitions), topic);
            place(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Every poll's rows are committed before the next poll: nothing is half done.
            unplaced.removeAll(partitions);
            Map<Integer, String> refusedNow = new HashMap<>(refused);
            partitions.forEach(tp -> refusedNow.remove(tp.partition()));
            refused = Map.copyOf(refusedNow);
            if (unplaced.isEmpty()) {
                placing = null;
            }
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
