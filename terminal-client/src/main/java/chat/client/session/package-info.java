/**
 * The client's connection to the chat: {@link chat.client.session.ChatSession} says hello, signs in, resumes on
 * another gateway when one is lost, replays what was missed and resends what was not acked, over a socket its
 * {@link chat.client.session.Transport} opens (plain TCP or TLS). The only part of the client that touches the
 * network. The session is thread-safe: one thread of its own owns its state and its socket's output, and callers hand
 * it commands through a queue; the credentials and transports are immutable.
 */
package chat.client.session;
