/**
 * The full-screen client on Lanterna: {@link chat.client.screen.ChatApp} turns keys into the session's commands,
 * {@link chat.client.screen.ChatView} is what the screen shows besides the conversations, and
 * {@link chat.client.screen.ChatScreen} paints it all. It reaches gateways only through the session, never through a
 * socket of its own. One thread, the one that runs {@code ChatApp}, owns the screen, the view and the input; the
 * session tells it of its changes through {@link chat.client.screen.ScreenUpdates}, which coalesces them rather than
 * queue or drop them, so no other thread touches the screen and the view never falls out of step.
 */
package chat.client.screen;
