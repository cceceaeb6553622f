/**
 * The history service: keeps the whole chat log in a database and serves it. {@code store} is the storage behind a
 * narrow interface (SQLite or PostgreSQL through one JDBC implementation), {@code ingest} fills it from the chat topic,
 * {@code api} answers HTTP queries. It shares nothing with the gateway but the wire format in {@code protocol}.
 */
package chat.history;
