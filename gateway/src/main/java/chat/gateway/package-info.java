/**
 * The gateway: a stateless TCP server that accepts protocol frames from clients, writes every accepted message and
 * membership change to the Kafka topic, reads the whole topic back and delivers each event to its own clients.
 * Threads: one acceptor, a reader and a writer per connection (all virtual), one fan-out thread that owns the Kafka
 * consumer, and the Kafka producer's own I/O thread, which runs the send callbacks. See docs/ARCHITECTURE.md.
 */
package chat.gateway;
