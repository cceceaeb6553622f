package chat.client.screen;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.text.InputLine;
import chat.client.text.TerminalText;
import chat.protocol.Limits;
import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paints the whole screen from a {@link ChatView}, the current conversation's entries and the input line: the status
 * bar on top, the room list on the left, the message pane, the member list on the right when shown, a line of news
 * and the input at the bottom. Everything that came from the wire passes {@link TerminalText#sanitize} on its way,
 * so no control or escape sequence reaches the terminal. Stateless: the screen's thread calls it after each change.
 */
public final class ChatScreen {
    /** The smallest screen laid out in full; a smaller one says so instead. */
    public static final TerminalSize SMALLEST = new TerminalSize(80, 24);

    private static final TextColor[] NICK_COLOURS = {
        TextColor.ANSI.RED, TextColor.ANSI.GREEN, TextColor.ANSI.YELLOW, TextColor.ANSI.BLUE,
        TextColor.ANSI.MAGENTA, TextColor.ANSI.CYAN, TextColor.ANSI.RED_BRIGHT, TextColor.ANSI.GREEN_BRIGHT,
        TextColor.ANSI.YELLOW_BRIGHT, TextColor.ANSI.BLUE_BRIGHT, TextColor.ANSI.MAGENTA_BRIGHT,
        TextColor.ANSI.CYAN_BRIGHT,
    };
    private static final TextColor DIM = TextColor.ANSI.BLACK_BRIGHT;
    private static final TextColor PLAIN = TextColor.ANSI.DEFAULT;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final int TIME_COLUMNS = 5;

    /** What the painting found out: whether the pane shows the conversation's first line, and where the cursor is. */
    public record Painted(boolean atTop, TerminalPosition cursor) {}

    private final Clock clock;

    public ChatScreen(Clock clock) {
        this.clock = clock;
    }

    /** The colour of a nick: the same on every screen and in every run. */
    public static TextColor colourOf(String nick) {
        return NICK_COLOURS[Math.floorMod(Limits.foldNick(nick).hashCode(), NICK_COLOURS.length)];
    }

    public Painted paint(TextGraphics g, TerminalSize size, ChatView view, List<Timeline.Entry> entries,
                         InputLine input) {
        g.setForegroundColor(PLAIN);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.fill(' ');
        int cols = size.getColumns();
        int rows = size.getRows();
        if (cols < SMALLEST.getColumns() || rows < SMALLEST.getRows()) {
            put(g, 0, 0, "The chat needs 80x24 or more; this is " + cols + "x" + rows + ".", cols, PLAIN);
            return new Painted(false, new TerminalPosition(0, Math.min(1, rows - 1)));
        }
        statusBar(g, cols, view);

        int bodyTop = 1;
        int bodyRows = rows - 3;
        int roomsWidth = Math.clamp(cols / 6, 12, 24);
        roomList(g, 0, bodyTop, roomsWidth - 1, bodyRows, view);
        verticalRule(g, roomsWidth, bodyTop, bodyRows);

        String current = view.current();
        boolean members = view.membersShown() && current != null && !current.startsWith("@");
        int membersWidth = members ? Math.clamp(cols / 7, 12, 24) : 0;
        int paneLeft = roomsWidth + 1;
        int paneWidth = cols - paneLeft - (members ? membersWidth + 1 : 0);
        if (members) {
            verticalRule(g, cols - membersWidth - 1, bodyTop, bodyRows);
            memberList(g, cols - membersWidth, bodyTop, membersWidth, bodyRows, view.members(current));
        }
        boolean atTop = messagePane(g, paneLeft, bodyTop, paneWidth, bodyRows, view, entries);

        newsLine(g, rows - 2, cols, view, entries);
        return new Painted(atTop, view.secretPrompt() != null ? secretLine(g, rows - 1, cols, view.secretPrompt())
            : inputLine(g, rows - 1, cols, current, input));
    }

    // ---- the parts ----

    private void statusBar(TextGraphics g, int cols, ChatView view) {
        for (int c = 0; c < cols; c++) {
            g.setCharacter(c, 0, new TextCharacter(' ', PLAIN, TextColor.ANSI.DEFAULT, SGR.REVERSE));
        }
        String current = view.current() == null ? "no room" : label(view.current());
        String text = " " + view.nick() + accountMark(view.account()) + " │ " + current + " │ "
            + describe(view.connection());
        put(g, 0, 0, text, cols, PLAIN, SGR.REVERSE);
        String help = "F1 help ";
        if (TerminalText.width(text) + help.length() + 2 < cols) {
            put(g, cols - help.length(), 0, help, help.length(), PLAIN, SGR.REVERSE);
        }
    }

    /** What follows the nick in the status bar: a tick when signed in, "(guest)" when not, nothing until known. */
    private static String accountMark(Boolean account) {
        return account == null ? "" : account ? " ✓" : " (guest)";
    }

    /** The connection's state in words, as the status bar shows it. */
    public String describe(Failover.State state) {
        return switch (state) {
            case Failover.State.Connected c -> "connected to " + c.gateway();
            case Failover.State.Connecting c -> c.attempt() == 0 ? "connecting to " + c.target()
                : "reconnecting to " + c.target();
            case Failover.State.Waiting w -> {
                long seconds = Math.max(0, Duration.between(clock.instant(), w.until()).toSeconds());
                String retry = seconds == 0 ? "retrying " + w.next() : "retrying " + w.next() + " in " + seconds + " s";
                yield (w.offline() ? "offline: " : "reconnecting: ") + TerminalText.sanitize(w.why()) + "; " + retry;
            }
        };
    }

    private static String label(String stream) {
        return stream.startsWith("@") ? stream : "#" + stream;
    }

    private static void roomList(TextGraphics g, int left, int top, int width, int height, ChatView view) {
        List<String> streams = view.streams();
        for (int i = 0; i < streams.size() && i < height; i++) {
            String stream = streams.get(i);
            boolean isCurrent = stream.equals(view.current());
            int unread = view.unread(stream);
            String count = unread == 0 ? "" : " " + (unread > 999 ? "999+" : unread) + (view.mentioned(stream) ? "!" : "");
            String key = i < 9 ? Integer.toString(i + 1) : " ";
            String name = TerminalText.fit(label(stream), width - 2 - count.length());
            String line = key + " " + name + " ".repeat(Math.max(0, width - 2 - TerminalText.width(name) - count.length())) + count;
            TextColor colour = view.mentioned(stream) ? TextColor.ANSI.RED_BRIGHT : PLAIN;
            if (isCurrent) {
                put(g, left, top + i, line, width, colour, SGR.REVERSE);
            } else if (unread > 0) {
                put(g, left, top + i, line, width, colour, SGR.BOLD);
            } else {
                put(g, left, top + i, line, width, colour);
            }
        }
    }

    private static void memberList(TextGraphics g, int left, int top, int width, int height, List<String> members) {
        put(g, left, top, members.size() + " here", width, DIM);
        for (int i = 0; i < members.size() && i + 1 < height; i++) {
            String nick = members.get(i);
            put(g, left, top + 1 + i, TerminalText.fit(TerminalText.sanitize(nick), width), width, colourOf(nick));
        }
    }

    private static void verticalRule(TextGraphics g, int column, int top, int height) {
        for (int r = 0; r < height; r++) {
            g.setCharacter(column, top + r, new TextCharacter('│', DIM, TextColor.ANSI.DEFAULT));
        }
    }

    /** One painted line of the pane: its parts in their colours. */
    private record Line(String time, TextColor timeColour, String nick, TextColor nickColour, String text,
                        TextColor textColour, boolean bold) {}

    /**
     * Lays out the entries from the newest back, only as far as the pane and its scroll need, so that a long
     * conversation costs no more to paint than a short one. Returns whether the first line of all is in view.
     */
    private boolean messagePane(TextGraphics g, int left, int top, int width, int height, ChatView view,
                                List<Timeline.Entry> entries) {
        int nickColumns = Math.clamp(width / 5, 6, 16);
        int textLeft = TIME_COLUMNS + 1 + nickColumns + 1;
        int textWidth = Math.max(1, width - textLeft - 1);
        int wanted = view.scrollBack() + height;
        List<Line> lines = new ArrayList<>();
        int i = entries.size() - 1;
        for (; i >= 0 && lines.size() < wanted; i--) {
            lines.addAll(0, linesOf(entries.get(i), textWidth, view));
        }
        boolean allLaidOut = i < 0;
        if (allLaidOut) {
            view.clampScroll(lines.size() - height);
        }
        int bottom = lines.size() - view.scrollBack();
        int first = Math.max(0, bottom - height);
        for (int row = 0; row < height && first + row < bottom; row++) {
            Line line = lines.get(first + row);
            int y = top + row;
            put(g, left, y, line.time(), TIME_COLUMNS, line.timeColour());
            String nick = TerminalText.fit(line.nick(), nickColumns);
            int nickLeft = left + TIME_COLUMNS + 1 + nickColumns - TerminalText.width(nick);
            put(g, nickLeft, y, nick, nickColumns, line.nickColour(), SGR.BOLD);
            if (line.bold()) {
                put(g, left + textLeft, y, line.text(), textWidth, line.textColour(), SGR.BOLD);
            } else {
                put(g, left + textLeft, y, line.text(), textWidth, line.textColour());
            }
        }
        return allLaidOut && first == 0;
    }

    private List<Line> linesOf(Timeline.Entry entry, int textWidth, ChatView view) {
        List<String> wrapped = TerminalText.lines(entry.text(), textWidth);
        String time;
        TextColor timeColour = DIM;
        String nick;
        TextColor nickColour;
        TextColor textColour = PLAIN;
        boolean bold = false;
        switch (entry.state()) {
            case NOTICE -> {
                time = clockOf(entry.ts());
                nick = "--";
                nickColour = DIM;
                textColour = DIM;
            }
            case QUEUED -> {
                time = "queue";
                timeColour = TextColor.ANSI.YELLOW;
                nick = TerminalText.sanitize(entry.from());
                nickColour = DIM;
                textColour = DIM;
            }
            case PENDING -> {
                time = "  ...";
                nick = TerminalText.sanitize(entry.from());
                nickColour = DIM;
                textColour = DIM;
            }
            case FAILED -> {
                time = " fail";
                timeColour = TextColor.ANSI.RED;
                nick = TerminalText.sanitize(entry.from());
                nickColour = TextColor.ANSI.RED;
                textColour = TextColor.ANSI.RED;
            }
            default -> {
                time = clockOf(entry.ts());
                nick = TerminalText.sanitize(entry.from());
                nickColour = colourOf(entry.from());
                bold = !entry.from().equalsIgnoreCase(view.nick()) && view.mentions(entry.text());
            }
        }
        List<Line> lines = new ArrayList<>(wrapped.size());
        for (int i = 0; i < wrapped.size(); i++) {
            lines.add(i == 0
                ? new Line(time, timeColour, nick, nickColour, wrapped.get(i), textColour, bold)
                : new Line("", timeColour, "", nickColour, wrapped.get(i), textColour, bold));
        }
        return lines;
    }

    /** The local time of day of a wire timestamp; a malformed one shows as such rather than failing the screen. */
    private String clockOf(String ts) {
        try {
            return LocalTime.ofInstant(Instant.parse(ts), clock.getZone()).format(CLOCK);
        } catch (DateTimeException | NullPointerException e) {
            return "--:--";
        }
    }

    private static void newsLine(TextGraphics g, int row, int cols, ChatView view, List<Timeline.Entry> entries) {
        long failed = entries.stream().filter(e -> e.state() == Timeline.State.FAILED).count();
        long queued = entries.stream().filter(e -> e.state() == Timeline.State.QUEUED).count();
        String text;
        TextColor colour = DIM;
        if (failed > 0) {
            text = failed + (failed == 1 ? " message was" : " messages were") + " not sent: Ctrl+R sends again";
            colour = TextColor.ANSI.RED;
        } else if (queued > 0 && !(view.connection() instanceof Failover.State.Connected)) {
            text = queued + (queued == 1 ? " message waits" : " messages wait")
                + " for a gateway: sent once one answers";
            colour = TextColor.ANSI.YELLOW;
        } else if (view.scrollBack() > 0) {
            text = "scrolled back " + view.scrollBack() + " lines: PgDn goes forward";
        } else {
            text = TerminalText.sanitize(view.news());
        }
        String rule = text.isEmpty() ? "" : "── " + text + " ";
        put(g, 0, row, rule + "─".repeat(Math.max(0, cols - TerminalText.width(rule))), cols, colour);
    }

    /** The prompt of a secret, and nothing of what is typed: not even how long it is. */
    private static TerminalPosition secretLine(TextGraphics g, int row, int cols, String prompt) {
        String shown = TerminalText.fit(prompt + "> ", cols - 1);
        put(g, 0, row, shown, cols - 1, TextColor.ANSI.YELLOW);
        return new TerminalPosition(TerminalText.width(shown), row);
    }

    private static TerminalPosition inputLine(TextGraphics g, int row, int cols, String current, InputLine input) {
        String prompt = current == null ? "> " : label(current) + "> ";
        String shown = TerminalText.fit(prompt, cols / 3);
        int promptWidth = TerminalText.width(shown);
        put(g, 0, row, shown, promptWidth, DIM);
        int room = cols - promptWidth - 1;
        int from = input.scrollFor(room);
        String visible = input.textFrom(from).replace('\n', TerminalText.NEWLINE_MARK);
        put(g, promptWidth, row, visible, room, PLAIN);
        return new TerminalPosition(promptWidth + input.columnsBetween(from, input.cursor()), row);
    }

    /**
     * Writes text from a column, one code point per cell (two for a wide one), up to {@code maxColumns}; a wide
     * character that would cross the limit is left out. Returns the columns written.
     */
    private static int put(TextGraphics g, int column, int row, String text, int maxColumns, TextColor colour,
                           SGR... modifiers) {
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int w = TerminalText.width(cp);
            if (used + w > maxColumns) {
                break;
            }
            String one = new String(Character.toChars(cp));
            TextCharacter[] cell = TextCharacter.fromString(one, colour, TextColor.ANSI.DEFAULT, modifiers);
            if (cell.length > 0) {
                g.setCharacter(column + used, row, cell[0]);
            }
            used += w;
            i += Character.charCount(cp);
        }
        return used;
    }
}
