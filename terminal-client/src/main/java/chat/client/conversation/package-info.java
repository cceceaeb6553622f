/**
 * What a room or a direct conversation shows ({@link chat.client.conversation.Timeline}): each message once, in seq
 * order, however often it arrives, and the user's own messages queued, pending and failed, by a time it is given. No
 * socket and no screen, so it is tested on its own. Not thread-safe: the session's thread owns each timeline.
 */
package chat.client.conversation;
