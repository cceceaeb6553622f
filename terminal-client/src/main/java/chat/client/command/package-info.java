/**
 * What the user typed, as a {@link chat.client.command.Command}: {@link chat.client.command.CommandParser} turns a line
 * of the input into one, checking names and text as the protocol does. No socket and no screen, so it is tested on its
 * own. Stateless and thread-safe; the commands are immutable records.
 */
package chat.client.command;
