/**
 * The terminal client. {@code command} reads what the user types, {@code conversation} keeps what each room shows
 * (each message once, in seq order, own messages until acked), {@code failover} decides which gateway to talk to and
 * when to move on, {@code text} makes wire text safe for the terminal and edits the input line, {@code config} reads
 * the settings and the remembered state; none of them touches a socket or the screen, so each is tested on its own.
 * {@code session} drives them over real connections to the gateways, and {@code screen} paints it all with Lanterna
 * and turns keys into commands.
 */
package chat.client;
