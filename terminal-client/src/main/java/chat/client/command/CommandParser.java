package chat.client.command;

import chat.protocol.Limits;
import java.util.List;
import java.util.Locale;

/**
 * Turns a typed line into a {@link Command}, as terminal chat clients have it: {@code /join}, {@code /part},
 * {@code /msg} (and {@code @nick text}), {@code /who}, {@code /rooms}, {@code /register}, {@code /help}, {@code /quit}
 * (and {@code \q}).
 * A line starting with {@code //} says the rest, slash and all. Stateless and thread-safe.
 */
public final class CommandParser {
    /** Every command's name, for Tab completion and /help. */
    public static final List<String> COMMANDS = List.of("/join", "/part", "/msg", "/who", "/rooms", "/register", "/help",
        "/quit");

    private CommandParser() {}

    /** The command in {@code line}, or null for a blank line (nothing to do). */
    public static Command parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.equals("\\q")) {
            return new Command.Quit();
        }
        if (trimmed.startsWith("//")) {
            return say(line.stripTrailing().substring(line.indexOf("//") + 1));
        }
        if (trimmed.startsWith("@")) {
            String[] parts = trimmed.substring(1).split("\\s+", 2);
            return msg(parts[0], parts.length > 1 ? parts[1] : "");
        }
        if (!trimmed.startsWith("/")) {
            return say(line.stripTrailing());
        }
        String[] parts = trimmed.split("\\s+", 2);
        String name = parts[0].toLowerCase(Locale.ROOT);
        String rest = parts.length > 1 ? parts[1].strip() : "";
        return switch (name) {
            case "/join", "/j" -> rest.isEmpty() ? new Command.Invalid("usage: /join ROOM") : join(rest);
            case "/part", "/leave" -> rest.isEmpty() ? new Command.Part(null) : part(rest);
            case "/msg", "/query" -> {
                String[] msg = rest.split("\\s+", 2);
                yield rest.isEmpty() ? new Command.Invalid("usage: /msg NICK TEXT") : msg(msg[0], msg.length > 1 ? msg[1] : "");
            }
            case "/who", "/names" -> new Command.Who();
            case "/rooms", "/list" -> new Command.Rooms();
            // A password typed on the line would show on the screen: it is asked for apart, where typing is unseen.
            case "/register" -> rest.isEmpty() ? new Command.Register()
                : new Command.Invalid("type /register alone: it asks for the password where typing is not shown", true);
            case "/help", "/?" -> new Command.Help();
            case "/quit", "/exit" -> new Command.Quit();
            default -> new Command.Invalid("unknown command " + parts[0] + " (try /help; // says a line that starts with /)");
        };
    }

    private static Command say(String text) {
        String problem = Limits.textProblem(text);
        return problem == null ? new Command.Say(text) : new Command.Invalid(problem);
    }

    private static Command join(String rest) {
        String room = roomName(rest);
        return Limits.isValidRoom(room) ? new Command.Join(room)
            : new Command.Invalid("a room name is 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit");
    }

    private static Command part(String rest) {
        String room = roomName(rest);
        return Limits.isValidRoom(room) ? new Command.Part(room) : new Command.Invalid("no such room name: " + rest);
    }

    /** Rooms are lower case; people type {@code #Lobby} from habit. */
    private static String roomName(String typed) {
        String room = typed.toLowerCase(Locale.ROOT);
        return room.startsWith("#") ? room.substring(1) : room;
    }

    private static Command msg(String nick, String text) {
        if (!Limits.isValidNick(nick)) {
            return new Command.Invalid("not a nick: " + nick);
        }
        if (text.isBlank()) {
            return new Command.Invalid("usage: /msg NICK TEXT");
        }
        String problem = Limits.textProblem(text);
        return problem == null ? new Command.Msg(nick, text) : new Command.Invalid(problem);
    }
}
