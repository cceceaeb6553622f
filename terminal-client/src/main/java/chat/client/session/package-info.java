/**
 * The client's connection to the chat: {@link chat.client.session.ChatSession} says hello, signs in, resumes on
 * another gateway when one is lost, replays what was missed and resends what was not acked, over a socket its
 * {@link chat.client.session.Transport} opens (plain TCP or TLS). The rules are those of
 * {@code SessionCore}, a state machine with no thread or socket, which the session gives a thread and the network.
 * The only part of the client that touches the network. The session is thread-safe: one thread of its own owns the
 * core, callers hand it commands through a queue, and read what it shows from an immutable snapshot; the core is not
 * thread-safe; the credentials and transports are immutable.
 */
package chat.client.session;
