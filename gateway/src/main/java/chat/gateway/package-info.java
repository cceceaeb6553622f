/**
 * The gateway: a stateless TCP server that accepts protocol frames from clients, writes every accepted message and
 * membership change to the chat topic, reads the whole topic back and delivers each event to its own clients; and,
 * through the presence topic, agrees with every other gateway on who holds each nick and who is in each room.
 * Threads: one acceptor, a reader and a writer per connection (all virtual), one fan-out thread that owns the chat
 * topic's consumer, one presence thread that owns the presence topic's consumer, a heartbeat thread, and the two
 * Kafka producers' own I/O threads, which run the send callbacks. See docs/ARCHITECTURE.md.
 */
package chat.gateway;
