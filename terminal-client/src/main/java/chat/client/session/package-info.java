/**
 * The client's connection to the chat. {@link chat.client.session.SessionCore} holds the rules (say hello, sign in,
 * resume on another gateway when one is lost, replay what was missed, resend what was not acked) as a state machine
 * given frames, connection events, commands and the time, answering with what to send, open and close; it touches no
 * socket, thread or clock, so it is tested by hand. {@link chat.client.session.ChatSession} runs it over sockets its
 * {@link chat.client.session.Transport} opens (plain TCP or TLS): the only part of the client that touches the network.
 * The session is thread-safe: one thread of its own owns the core, each connection has a reader and a writer thread
 * of its own, and callers hand it commands through a queue; the credentials and transports are immutable.
 */
package chat.client.session;
