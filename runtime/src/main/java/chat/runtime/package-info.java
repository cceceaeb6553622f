/**
 * What keeps a service's long-lived threads going, shared by the gateway and the history service so that each rule is
 * written once: {@link chat.runtime.MonotonicTime}, the time they measure deadlines in and wait in (injected, so that
 * a test steps it); {@link chat.runtime.Backoff}, the pauses between the tries of what keeps failing; and
 * {@link chat.runtime.KafkaFollower}, the one thread that follows a Kafka topic through a consumer, retries what Kafka
 * fails, and closes the consumer when done. Depends on nothing of ours. {@code Backoff} is not thread-safe (its
 * trying thread owns it); the rest is.
 */
package chat.runtime;
