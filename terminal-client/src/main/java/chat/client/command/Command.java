package chat.client.command;

/** What a line typed into the input means. Names and text are checked by {@link CommandParser}. */
public sealed interface Command {

    /** Plain text: said in the current room (or conversation). */
    record Say(String text) implements Command {}

    record Join(String room) implements Command {}

    /** Leaves {@code room}, or the current room when it is null. */
    record Part(String room) implements Command {}

    /** A direct message: {@code /msg NICK TEXT} or {@code @NICK TEXT}. */
    record Msg(String nick, String text) implements Command {}

    record Who() implements Command {}

    record Rooms() implements Command {}

    /** Registers the nick in use to an account; the password is asked for apart, unseen. */
    record Register() implements Command {}

    record Help() implements Command {}

    record Quit() implements Command {}

    /** A line that cannot be carried out, and why, for the status line. */
    /** {@code holdsSecret}: the line may hold a password, and must not be kept in the input's history. */
    record Invalid(String reason, boolean holdsSecret) implements Command {
        public Invalid(String reason) {
            this(reason, false);
        }
    }
}
