/**
 * Fills the store from the chat topic: {@link chat.history.ingest.Ingest} reads it in the service's consumer group and
 * writes each poll in one transaction with how far it has read, and {@link chat.history.ingest.StartingPoint} decides
 * where a partition is read from. The ingest is thread-safe: its one platform thread owns the Kafka consumer, and
 * other threads only read its status and wait for what it has stored. {@code StartingPoint} is immutable. Its time
 * comes from an {@link chat.runtime.MonotonicTime}, so that its freshness and back-off are tested on stepped time.
 */
package chat.history.ingest;
