/**
 * What a room or a direct conversation shows ({@link chat.client.conversation.Timeline}): each message once, in seq
 * order, however often it arrives, and the user's own messages queued, pending and failed, by a time it is given; and
 * how streams are named and nicks compared ({@link chat.client.conversation.Streams}), for the session and the screen
 * alike. No socket and no screen, so it is tested on its own. A timeline is not thread-safe: the session's thread owns
 * each one, and hands other threads immutable copies of its entries.
 */
package chat.client.conversation;
