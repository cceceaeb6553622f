/**
 * The history service's read-only HTTP API ({@link chat.history.api.HistoryApi}): pages of a room, of a direct
 * conversation, and of the direct messages waiting for an account, from the store, behind the service's shared
 * secret. Thread-safe: each request runs on a virtual thread of its own and shares only the thread-safe store and
 * the ingest's status.
 */
package chat.history.api;
