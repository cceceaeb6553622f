/**
 * The chat log's storage behind one narrow interface, {@link chat.history.store.HistoryStore}, with one JDBC
 * implementation for SQLite and PostgreSQL; it knows nothing of Kafka or HTTP. The store is thread-safe (one ingest
 * thread writes while any number of requests read, each call on a pooled connection of its own); the rows and
 * cursors it hands out are immutable records.
 */
package chat.history.store;
