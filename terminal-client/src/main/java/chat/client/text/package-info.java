/**
 * Text on the terminal: {@code TerminalText} makes what came from the wire safe to draw and measures and wraps it in
 * the columns Lanterna's screen uses; {@code InputLine} is the line the user edits. Neither touches the screen, so
 * both are tested on their own.
 */
package chat.client.text;
