/**
 * The full-screen client on Lanterna: {@link chat.client.screen.ChatApp} turns keys into the session's commands,
 * {@link chat.client.screen.ChatView} is what the screen shows besides the conversations, and
 * {@link chat.client.screen.ChatScreen} paints it all. It reaches gateways only through the session, never through a
 * socket of its own. One thread, the one that runs {@code ChatApp}, owns the screen, the view and the input; the
 * session hands that thread its changes through a bounded queue, so no other thread touches the screen.
 */
package chat.client.screen;
