package chat.history.store;

import chat.protocol.HistoryPage;
import java.util.Map;

/**
 * The chat log's storage: what the ingest writes and the query API reads, and nothing more. Implementations are
 * thread-safe: one ingest thread appends while any number of threads read.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * Stores {@code messages} and {@code marks} and records that the store has read {@code topic}'s partitions up to
     * {@code nextOffsets} (partition to the offset after the last record read), all in one transaction. Rows already
     * stored (the same stream and seq, or the same sender and id in the stream) are left as they are; positions and
     * marks never move back.
     */
    void append(String topic, Iterable<StoredMessage> messages, Iterable<DeliveryMark> marks,
                Map<Integer, Long> nextOffsets) throws StoreException;

    /** The offset after the last record of the partition that the store has read, or 0 when it has read none. */
    long nextOffset(String topic, int partition) throws StoreException;

    /** Every partition's next offset, as {@link #nextOffset}, for the partitions the store has read at all. */
    Map<Integer, Long> nextOffsets(String topic) throws StoreException;

    /**
     * A page of a stream, oldest first. With {@code after}, the first {@code limit} messages whose seq is above it
     * (and below {@code before}, when given), and {@code more} says whether others follow. Without {@code after}, the
     * last {@code limit} messages below {@code before} (or the last of all), and {@code more} says whether older ones
     * exist.
     */
    HistoryPage read(String stream, Long after, Long before, int limit) throws StoreException;

    /**
     * A page of a direct conversation as {@link #read}, holding only the messages in which {@code nick}'s side names
     * {@code account}: sent by {@code nick} signed in to it, or sent to {@code nick} as it. What an earlier guest or
     * another account of the same nick exchanged is not in it, and neither is the other side's account enough.
     */
    HistoryPage readConversation(String conversation, String nick, String account, Long after, Long before, int limit)
        throws StoreException;

    /**
     * The direct messages waiting for {@code account} that no {@link DeliveryMark} covers, ordered by stream and seq,
     * from after {@code after} (or the first), at most {@code limit}, as {@code dm} frames marked waiting; {@code more}
     * says others follow. Only messages whose seq is below {@code positions[p]}, p the partition they were read from,
     * are included (a partition beyond {@code positions} contributes none).
     */
    HistoryPage waiting(String account, long[] positions, WaitingCursor after, int limit) throws StoreException;

    @Override
    void close();
}
