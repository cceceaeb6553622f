package chat.gateway;

import chat.admin.MalformedRecords;
import chat.gateway.presence.PresenceState;
import chat.protocol.ChatEvent;
import chat.protocol.ChatPartitions;
import chat.protocol.ClientFrame;
import chat.protocol.EventCodec;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.MessageKey;
import chat.protocol.ServerFrame;
import chat.runtime.KafkaFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the chat topic, from its end at start-up (and those added later, from their first record),
 * and delivers each event to this gateway's members of the event's room, or to the two ends of a direct message. Before it starts delivering it reads the last
 * five minutes below its start, delivering nothing: a resend of a message written before a restart is then acked as
 * its first copy, and the direct messages to accounts of the last minute are kept ({@link RecentDirectMessages}),
 * so that an account welcomed here gets those it was not sent here already: the ones accepted while its session was
 * held by a gateway that had died. It has no consumer group: every gateway needs
 * every event. Its one thread owns the consumer, applies this gateway's joins and parts in log order (recording each
 * session's rooms on the presence topic), is the one writer of the cluster's {@link RoomMembers} (every join and leave
 * in log order, and the ended sessions the presence thread hands it), and only queues frames: it never touches a
 * socket, so a slow client cannot stall it. Other threads only hand it news and inboxes to open (through bounded
 * queues) and read its positions. It reads the time from the gateway's {@link Time}: the instant for what it keeps
 * of the last five minutes, the monotonic reading for when it looks for added partitions and when its start window
 * closes. Thread-safe.
 */
final class FanOut implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FanOut.class);
    private static final int NEWS_QUEUE = 65_536;
    /** How long a poll waits for records before the thread looks at the news handed to it. */
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * How long after the start a recorded change below the start positions still counts. A gateway records a session's
     * rooms the moment its fan-out reads the join or leave, so only a gateway whose fan-out is this far behind writes
     * a record later; its member then shows here from its next join or leave.
     */
    static final Duration START_WINDOW = Duration.ofSeconds(30);
    /**
     * How far before its start the fan-out reads, delivering nothing: the ids it finds let a resend of a message
     * written before a restart be acked as the first copy, and the direct messages to accounts go to
     * {@link RecentDirectMessages}. Longer than a restart of everything takes.
     */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);
    private static final Duration LOOK_BACK_PATIENCE = Duration.ofSeconds(30);
    /**
     * How often the fan-out's consumer asks Kafka how many partitions the topic has, and the fan-out looks at its
     * answer: a partition added to the topic is read, and written, within about this long.
     */
    static final Duration PARTITIONS_CHECK = Duration.ofSeconds(5);
    private static final String JOIN = "join";
    private static final String LEAVE = "leave";

    private final String gatewayId;
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Sessions sessions;
    private final LocalRooms localRooms;
    private final ClusterPresence presence;
    private final RoomMembers roomMembers;
    /** What the presence topic says of memberships, handed over by the presence thread; this thread applies it. */
    private final BlockingQueue<RoomMembers.News> news = new ArrayBlockingQueue<>(NEWS_QUEUE);
    /** Connections welcomed to a session of an account, whose inbox this thread opens. */
    private final BlockingQueue<Connection> inboxesToOpen = new ArrayBlockingQueue<>(NEWS_QUEUE);
    private static final int RECENT_DIRECT_CAPACITY = 50_000;
    private final RecentDirectMessages<Connection> recentDirect;
    private final Inbox inbox;
    private final RecentIds recentIds;
    private final GatewayMetrics metrics;
    /** Tells of the records that are not events as a gateway writes them, which are skipped. */
    private final MalformedRecords malformed;
    private final HistoryReplayer replayer;
    /**
     * Per partition, the offset of the record being handled or the next one: every record below it is delivered. Its
     * length is the number of partitions this fan-out reads; replaced by a longer one when partitions are added.
     */
    private volatile AtomicLongArray nextOffsets;
    /** Per partition, where this fan-out started reading. Owned by the fan-out thread once it runs. */
    private long[] startOffsets;
    private final Time time;
    /** When the fan-out next looks for partitions added to the topic. Owned by the fan-out thread. */
    private final Every partitionsCheck;
    /** Connections queued to since the last poll's records were handled, each once: their writers are woken together. */
    private final List<Connection> toWake = new ArrayList<>();
    /**
     * The record being handled is its poll's last: its recipients' writers are woken as it is queued, which saves a
     * second look at each of them when a poll holds one record, as it mostly does at a room's pace.
     */
    private boolean lastOfPoll;
    /**
     * Joins and leaves read but not yet told to the local members of their rooms: a run of one kind per room, told as
     * one frame when something else of the room comes, or when the poll's records are handled.
     */
    private final Map<String, Untold> untold = new HashMap<>();
    private final KafkaFollower follower;
    /** Until when changes recorded below the start count ({@link #START_WINDOW}); null once it closed. */
    private Long startWindowEnds;

    FanOut(GatewayConfig config, Sessions sessions, LocalRooms localRooms, ClusterPresence presence,
           RoomMembers roomMembers, RecentIds recentIds, GatewayMetrics metrics, MalformedRecords malformed,
           HistoryReplayer replayer, Inbox inbox, Time time) {
        this.time = time;
        this.partitionsCheck = new Every(PARTITIONS_CHECK, time.nanoTime());
        this.malformed = malformed;
        this.inbox = inbox;
        this.recentDirect = new RecentDirectMessages<>(time.clock(), RECENT_DIRECT_CAPACITY);
        this.gatewayId = config.gatewayId();
        this.sessions = sessions;
        this.localRooms = localRooms;
        this.presence = presence;
        this.roomMembers = roomMembers;
        this.recentIds = recentIds;
        this.metrics = metrics;
        this.replayer = replayer;
        this.topic = config.topic();
        Properties settings = KafkaClients.consumerProperties(config, "fanout", 2_000);
        settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) PARTITIONS_CHECK.toMillis());
        this.consumer = new KafkaConsumer<>(settings);
        List<TopicPartition> partitions = partitionsOf(topic, Duration.ofSeconds(30));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Fix the start positions now, before the gateway accepts anyone, so no event after start-up is missed.
        this.nextOffsets = new AtomicLongArray(partitions.size());
        partitions.forEach(tp -> nextOffsets.set(tp.partition(), consumer.position(tp)));
        this.startOffsets = new long[partitions.size()];
        partitions.forEach(tp -> startOffsets[tp.partition()] = nextOffsets.get(tp.partition()));
        lookBack(partitions);
        this.follower = KafkaFollower.polling("fanout-" + gatewayId, consumer, POLL, this::onPoll, time);
    }

    /**
     * Starts delivering, with the members of each room as the presence topic last recorded them. Called once the
     * presence topic has been replayed, which happens after this fan-out fixed its start positions: every join below
     * those positions was written by a session whose claim that replay read.
     */
    void start(List<PresenceState.Session> sessionsAtStart) {
        roomMembers.seed(sessionsAtStart, this::startOf);
        startWindowEnds = time.nanoTime() + START_WINDOW.toNanos();
        follower.start();
    }

    /**
     * Hands the fan-out what the presence topic says of memberships. Called by the presence thread; blocks while the
     * fan-out is {@value #NEWS_QUEUE} pieces of news behind.
     */
    void hear(RoomMembers.News item) {
        try {
            news.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands the fan-out a connection welcomed to a session of an account (new, resumed or regained): the fan-out fixes
     * where the session's live stream of waiting direct messages starts, has the inbox deliver those below it that no
     * connection took yet, and sends the recent direct messages the connection was not sent here. Called by the
     * presence thread; blocks while the fan-out is {@value #NEWS_QUEUE} behind.
     */
    void openInbox(Connection c) {
        try {
            inboxesToOpen.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The recent direct messages to the connection's account that it was not sent here. */
    private void sendMissed(Connection c) {
        String account = c.account();
        if (account == null) {
            return;
        }
        List<byte[]> missed = recentDirect.missedBy(account, c);
        missed.forEach(c::sendLine);
        metrics.messagesOut(missed.size());
    }

    private List<TopicPartition> partitionsOf(String topic, Duration patience) {
        long deadline = time.nanoTime() + patience.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, patience);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            if (time.nanoTime() - deadline > 0) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
            try {
                time.sleep(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    /** One poll's records, then what the other threads handed over meanwhile. On the fan-out thread. */
    private void onPoll(ConsumerRecords<byte[], byte[]> records) {
        int left = records.count();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            lastOfPoll = --left == 0;
            handle(record);
        }
        tellAll();
        wakeWriters();
        for (RoomMembers.News item = news.poll(); item != null; item = news.poll()) {
            apply(item);
        }
        tellAll();
        wakeWriters();
        for (Connection c = inboxesToOpen.poll(); c != null; c = inboxesToOpen.poll()) {
            // Every record below these positions has been handled: the waiting messages among them come from the
            // history, and those above come live (directMessage), so each is delivered once.
            AtomicLongArray offsets = nextOffsets;
            long[] positions = new long[offsets.length()];
            Arrays.setAll(positions, offsets::get);
            c.openInbox(positions);
            inbox.deliver(c, positions);
            sendMissed(c);
        }
        long now = time.nanoTime();
        if (partitionsCheck.due(now)) {
            readAddedPartitions();
        }
        if (startWindowEnds != null && now - startWindowEnds > 0) {
            roomMembers.closeStartWindow();
            startWindowEnds = null;
        }
    }

    /**
     * The fan-out's position in the partition of a stream (a room or a conversation): every record below it has been
     * delivered, and a message not yet delivered has this seq or a higher one.
     */
    long nextOffsetOf(String stream) {
        AtomicLongArray offsets = nextOffsets;
        return offsets.get(ChatPartitions.of(stream, offsets.length()));
    }

    /** How many partitions of the topic this fan-out reads: the gateway writes to those alone. */
    int partitionCount() {
        return nextOffsets.length();
    }

    /** Where this fan-out started reading the partition that holds the stream now. */
    private long startOf(String stream) {
        return startOffsets[ChatPartitions.of(stream, startOffsets.length)];
    }

    /**
     * Reads the partitions added to the topic since the last look, from their first record: they were added after
     * this fan-out started, so all they hold is news. Only then does {@link #partitionCount} grow, so the gateway
     * writes nothing to a partition its fan-out does not read, and a stream's position is looked up among the
     * partitions its events go to. Another gateway may write to a new partition a few seconds before this one reads
     * it; those records are read then, late but in order.
     */
    private void readAddedPartitions() {
        AtomicLongArray known = nextOffsets;
        List<TopicPartition> all = new ArrayList<>();
        Map<TopicPartition, Long> firsts;
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
            if (infos == null || infos.size() <= known.length()) {
                return;
            }
            for (int partition = 0; partition < infos.size(); partition++) {
                all.add(new TopicPartition(topic, partition));
            }
            firsts = consumer.beginningOffsets(all.subList(known.length(), all.size()), Duration.ofSeconds(2));
        } catch (TimeoutException e) {
            log.warn("Kafka did not say which partitions {} has, or where the added ones begin; asking again", topic);
            return;
        }
        List<TopicPartition> added = all.subList(known.length(), all.size());
        long[] starts = Arrays.copyOf(startOffsets, all.size());
        AtomicLongArray next = new AtomicLongArray(all.size());
        for (int partition = 0; partition < known.length(); partition++) {
            next.set(partition, known.get(partition));
        }
        consumer.assign(all);
        for (TopicPartition tp : added) {
            long first = firsts.get(tp);
            consumer.seek(tp, first);
            starts[tp.partition()] = first;
            next.set(tp.partition(), first);
        }
        startOffsets = starts;
        nextOffsets = next;
        log.info("reading partitions {} to {} of {}, added to the topic", known.length(), all.size() - 1, topic);
    }

    private void apply(RoomMembers.News item) {
        switch (item) {
            case RoomMembers.News.Ended ended -> {
                for (RoomMembers.Membership gone : roomMembers.end(ended.session())) {
                    announce(gone.room(), gone.nick(), LEAVE, gone.effect());
                }
            }
            case RoomMembers.News.Recorded r -> {
                long start = startOf(r.room());
                if (r.seq() < start) {
                    announce(r.room(), r.nick(), r.member() ? JOIN : LEAVE,
                        roomMembers.recordedBeforeStart(r.room(), r.nick(), r.session(), r.member(), start));
                }
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        // Published before the record is delivered, so a reader of nextOffsetOf never misses a record sent live.
        nextOffsets.set(record.partition(), record.offset() + 1);
        ChatEvent event;
        try {
            event = EventCodec.decodeRecord(record.key(), record.value());
        } catch (IllegalArgumentException e) {
            malformed.skipped(record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        switch (event) {
            case ChatEvent.MessagePosted m -> message(m, record.offset());
            case ChatEvent.MemberJoined j -> joined(j, record.offset());
            case ChatEvent.MemberLeft l -> left(l, record.offset());
            case ChatEvent.DirectMessage d -> directMessage(d, record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()));
            case ChatEvent.WaitingDelivered w -> { }
        }
    }

    private void message(ChatEvent.MessagePosted m, long seq) {
        // Counted before duplicates are dropped: the history keeps every copy.
        roomMembers.messageRead(m.room(), seq);
        tell(m.room());
        MessageKey key = MessageKey.of(m);
        Connection sender = senderOf(m.from(), m.gateway(), key);
        RecentIds.Seen earlier = recentIds.recordIfFirst(key, new RecentIds.Seen(seq, m.ts()));
        if (earlier != null) {
            metrics.duplicateDropped();
            if (sender != null) {
                sender.readBack(key, earlier.seq(), earlier.ts());
            }
            return;
        }
        // Encoded once, to the bytes every member's writer sends as they are.
        byte[] line = FrameCodec.encodeLine(new ServerFrame.Message(m.room(), m.from(), m.text(), m.id(), seq, m.ts()));
        Set<Connection> members = localRooms.members(m.room());
        metrics.messagesOut(members.size());
        boolean ownDelivered = false;
        for (Connection member : members) {
            if (member == sender) {
                member.deliverOwn(key, seq, m.ts(), line, lastOfPoll);
                ownDelivered = true;
            } else {
                member.deliver(m.room(), seq, line, lastOfPoll);
            }
            if (!lastOfPoll) {
                toWake(member);
            }
        }
        if (sender != null && !ownDelivered) {
            // It left the room before its message came back: the ack is still owed.
            sender.readBack(key, seq, m.ts());
        }
    }

    /**
     * The connection a message read back answers: the session's that said it through this gateway, or one waiting
     * for its ack, which resent it here after another gateway wrote a first copy.
     */
    private Connection senderOf(String from, String gateway, MessageKey key) {
        Connection c = sessions.byNick(from);
        return c != null && (gatewayId.equals(gateway) || c.owesAck(key)) ? c : null;
    }

    /** Notes a connection queued to without waking its writer; {@link #wakeWriters} wakes it. */
    private void toWake(Connection c) {
        if (!c.awaitsFanOutWake) {
            c.awaitsFanOutWake = true;
            toWake.add(c);
        }
    }

    /** Wakes, once each, the writers of the connections queued to since the last time. */
    private void wakeWriters() {
        for (Connection c : toWake) {
            c.awaitsFanOutWake = false;
            c.wake();
        }
        toWake.clear();
    }

    /**
     * Reads the last {@link #LOOK_BACK} below the start positions (see {@link #lookBack(ConsumerRecord)}), then seeks back
     * to the start. Done before the gateway takes any client, so a resend finds its first copy from the first frame.
     */
    private void lookBack(List<TopicPartition> partitions) {
        long since = time.clock().instant().minus(LOOK_BACK).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, since));
        List<TopicPartition> behind = new ArrayList<>();
        consumer.offsetsForTimes(times).forEach((tp, found) -> {
            if (found != null && found.offset() < startOffsets[tp.partition()]) {
                consumer.seek(tp, found.offset());
                behind.add(tp);
            }
        });
        long deadline = time.nanoTime() + LOOK_BACK_PATIENCE.toNanos();
        while (!behind.isEmpty() && time.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < startOffsets[record.partition()]) {
                    lookBack(record);
                }
            }
            behind.removeIf(tp -> consumer.position(tp) >= startOffsets[tp.partition()]);
        }
        if (!behind.isEmpty()) {
            log.warn("read only part of the {} before the start in {}: a resend of an older message may be written"
                + " again", LOOK_BACK, LOOK_BACK_PATIENCE);
        }
        partitions.forEach(tp -> consumer.seek(tp, startOffsets[tp.partition()]));
    }

    /**
     * A record from before the start: a message's id is remembered, so that a resend is acked as the first copy; a
     * direct message to an account is kept for a welcome. Nothing is delivered.
     */
    private void lookBack(ConsumerRecord<byte[], byte[]> record) {
        ChatEvent event;
        try {
            event = EventCodec.decodeRecord(record.key(), record.value());
        } catch (IllegalArgumentException e) {
            // Reported when it was read live; here it is passed over.
            return;
        }
        switch (event) {
            case ChatEvent.MessagePosted m ->
                recentIds.recordIfFirst(MessageKey.of(m), new RecentIds.Seen(record.offset(), m.ts()));
            case ChatEvent.DirectMessage d -> {
                RecentIds.Seen first = new RecentIds.Seen(record.offset(), d.ts());
                if (recentIds.recordIfFirst(MessageKey.of(d), first) == null && !d.waiting()
                    && d.toAccount() != null) {
                    recentDirect.keep(d.toAccount(), Instant.ofEpochMilli(record.timestamp()), FrameCodec.encodeLine(
                        new ServerFrame.Dm(d.from(), d.to(), d.text(), d.id(), record.offset(), d.ts())), null);
                }
            }
            default -> { }
        }
    }

    private void directMessage(ChatEvent.DirectMessage d, int partition, long seq, Instant read) {
        MessageKey key = MessageKey.of(d);
        Connection sender = senderOf(d.from(), d.gateway(), key);
        RecentIds.Seen earlier = recentIds.recordIfFirst(key, new RecentIds.Seen(seq, d.ts()));
        if (earlier != null) {
            metrics.duplicateDropped();
            if (sender != null) {
                sender.readBack(key, earlier.seq(), earlier.ts());
            }
            return;
        }
        byte[] line = FrameCodec.encodeLine(new ServerFrame.Dm(d.from(), d.to(), d.text(), d.id(), seq, d.ts()));
        if (sender != null) {
            sender.deliverOwn(key, seq, d.ts(), line, false);
            toWake(sender);
            metrics.messagesOut(1);
        }
        Connection addressee = sessions.byNick(d.to());
        if (!d.waiting() && d.toAccount() != null) {
            // The inbox delivers the waiting ones.
            boolean sentLive = addressee != null && addressee != sender && d.toAccount().equals(addressee.account());
            recentDirect.keep(d.toAccount(), read, line, sentLive ? addressee : null);
        }
        if (addressee == null || addressee == sender) {
            return;
        }
        if (!d.waiting()) {
            addressee.sendLine(line);
            metrics.messagesOut(1);
        } else if (d.toAccount() != null && d.toAccount().equals(addressee.account())
            && addressee.waitsLive(partition, seq)) {
            // Sent while the account was offline, and read here after its inbox opened: the inbox's history stops
            // below this seq, so it comes live, and waits on like those the inbox sent until the client received it.
            addressee.send(new ServerFrame.Dm(d.from(), d.to(), d.text(), d.id(), seq, d.ts(), true));
            metrics.messagesOut(1);
        }
    }

    private void joined(ChatEvent.MemberJoined j, long offset) {
        announce(j.room(), j.nick(), JOIN, roomMembers.join(j.room(), j.nick(), j.session(), offset));
        Connection joiner = gatewayId.equals(j.gateway()) ? sessions.byNick(j.nick()) : null;
        ClientFrame.Join pending = joiner == null ? null : joiner.pendingJoins.remove(j.room());
        if (pending != null) {
            // The room's messages above the join go live, held until the replay of those below it is out.
            joiner.replays().begin(j.room());
            joiner.enterRoom(j.room());
            // The joiner's list is complete up to here: the changes not yet told are not news to it.
            Untold run = untold.get(j.room());
            if (run != null) {
                run.known().put(joiner, run.nicks().size());
            }
            localRooms.add(j.room(), joiner);
            if (!joiner.isOpen()) {
                localRooms.remove(j.room(), joiner);
            }
            presence.publishRooms(joiner, j.room(), offset);
            RoomMembers.Page first = roomMembers.page(j.room(), null, Limits.MEMBERS_PAGE);
            joiner.send(new ServerFrame.Joined(j.room(), first.nicks(), first.count(), first.quiet(), offset,
                pending.ref()));
            replayer.replay(joiner, j.room(), pending.after(), offset, pending.ref());
        }
    }

    private void left(ChatEvent.MemberLeft l, long offset) {
        RoomMembers.Effect effect = roomMembers.leave(l.room(), l.nick(), l.session());
        Connection leaver = gatewayId.equals(l.gateway()) ? sessions.byNick(l.nick()) : null;
        Connection.Pending pending = leaver == null ? null : leaver.pendingParts.remove(l.room());
        if (pending != null) {
            leaver.leaveRoom(l.room());
            localRooms.remove(l.room(), leaver);
            presence.publishRooms(leaver, l.room(), offset);
            leaver.send(new ServerFrame.Parted(l.room(), pending.ref()));
        }
        announce(l.room(), l.nick(), LEAVE, effect);
    }

    /**
     * A run of joins or of leaves of one room, and for each local member that joined during it, how many of the run's
     * changes its {@code joined} listed already.
     */
    private record Untold(String event, List<String> nicks, Map<Connection, Integer> known) {}

    /**
     * Tells the room's local members of a change to its list as the change's effect says: an announced room's joins
     * and leaves gather into runs, and a room that went quiet or was announced again sends its list at once.
     */
    private void announce(String room, String nick, String event, RoomMembers.Effect effect) {
        switch (effect) {
            case NONE, SILENT -> { }
            case ANNOUNCED -> {
                Untold run = untold.get(room);
                if (run != null && !run.event().equals(event)) {
                    tell(room);
                    run = null;
                }
                if (run == null) {
                    run = new Untold(event, new ArrayList<>(), new HashMap<>());
                    untold.put(room, run);
                }
                run.nicks().add(nick);
            }
            case WENT_QUIET, ANNOUNCED_AGAIN -> {
                tell(room);
                RoomMembers.Page page = roomMembers.page(room, null, Limits.MEMBERS_PAGE);
                byte[] list = FrameCodec.encodeLine(
                    new ServerFrame.Members(room, page.nicks(), page.count(), page.quiet(), page.more(), null));
                for (Connection member : localRooms.members(room)) {
                    queue(member, list);
                }
            }
        }
    }

    /** Tells the room's local members the run of changes not yet told, as one frame. */
    private void tell(String room) {
        if (untold.isEmpty()) {
            return;
        }
        Untold run = untold.remove(room);
        if (run == null) {
            return;
        }
        byte[] whole = FrameCodec.encodeLine(new ServerFrame.Presence(room, run.event(), run.nicks()));
        for (Connection member : localRooms.members(room)) {
            int known = run.known().getOrDefault(member, 0);
            if (known == 0) {
                queue(member, whole);
            } else if (known < run.nicks().size()) {
                List<String> news = run.nicks().subList(known, run.nicks().size());
                queue(member, FrameCodec.encodeLine(new ServerFrame.Presence(room, run.event(), news)));
            }
        }
    }

    private void tellAll() {
        for (String room : List.copyOf(untold.keySet())) {
            tell(room);
        }
    }

    private void queue(Connection member, byte[] line) {
        member.queueLine(line);
        toWake(member);
    }

    @Override
    public void close() {
        follower.close();
    }
}
