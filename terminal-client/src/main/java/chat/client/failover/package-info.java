/**
 * Which gateway the client talks to and when it gives up on one: {@link chat.client.failover.Failover} picks the next
 * gateway and how long to wait before trying it, {@link chat.client.failover.PingWatch} tells a hung gateway from a
 * quiet one. Pure state machines given the time and a random source, so they are tested without a socket or a wait.
 * Not thread-safe: the session's thread drives them.
 */
package chat.client.failover;
