package chat.history.ingest;

/**
 * Where the ingest starts reading a partition it is given, decided from the store's position in it and the offsets
 * Kafka still holds. The store's position is the truth and the consumer group's committed offset plays no part: a
 * new, empty database fills itself with everything the topic retains, whatever the group read before. Immutable.
 */
sealed interface StartingPoint {

    /** Read from {@code offset}. {@code gap}, when not null, says which records the store missed for good. */
    record Read(long offset, String gap) implements StartingPoint {}

    /** Leave the partition unread: its records cannot join the stored ones. {@code reason} says why and what to do. */
    record Refuse(String reason) implements StartingPoint {}

    /**
     * @param stored the offset after the last record of the partition the store has read, or null when it has read
     *               none (a new database)
     * @param earliest the partition's earliest offset Kafka still holds
     * @param end the offset after the partition's last record
     */
    static StartingPoint of(String topic, int partition, Long stored, long earliest, long end) {
        if (stored == null) {
            return new Read(earliest, null);
        }
        if (stored > end) {
            // A seq is an offset: the partition's offsets went back, so its records would reuse stored messages'
            // seqs, and a client's "after" would pass over them.
            return new Refuse("partition " + partition + " of " + topic + " ends at offset " + end + ", below offset "
                + stored + " that the database has read: the topic was deleted and created again, or this is another"
                + " Kafka cluster, and its seqs start again where the database holds messages already. Give the"
                + " service a new database (it fills itself from the topic) or bring back the topic it read;"
                + " the partition is not read meanwhile");
        }
        if (stored < earliest) {
            return new Read(earliest, "offsets " + stored + " to " + (earliest - 1) + " of partition " + partition
                + " of " + topic + " were deleted by the topic's retention before the database read them;"
                + " their messages are not in the history");
        }
        return new Read(stored, null);
    }
}
