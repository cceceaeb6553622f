package chat.client.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.text.InputLine;
import chat.client.text.TerminalText;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The screen, painted into Lanterna's virtual terminal and read back cell by cell. */
class ChatScreenTest {
    private static final Failover.Gateway GW1 = new Failover.Gateway("127.0.0.1", 7001);
    private static final Failover.Gateway GW2 = new Failover.Gateway("127.0.0.1", 7002);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:15:00Z"), ZoneOffset.UTC);

    private final ChatScreen painter = new ChatScreen(CLOCK);
    private final ChatView view = new ChatView("alice", new Failover.State.Connected(GW1));
    private final InputLine input = new InputLine();
    private final List<Timeline.Entry> entries = new ArrayList<>();
    private DefaultVirtualTerminal terminal;
    private ChatScreen.Painted painted;

    private static Timeline.Entry message(long seq, String from, String text) {
        return new Timeline.Entry(seq, from, text, from + seq, "2026-11-23T10:0" + (seq % 10) + ":00Z",
            Timeline.State.CONFIRMED);
    }

    private void paint(int columns, int rows) throws IOException {
        terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        TerminalScreen screen = new TerminalScreen(terminal);
        screen.startScreen();
        painted = painter.paint(screen.newTextGraphics(), screen.getTerminalSize(), view, entries, input);
        screen.refresh();
    }

    /** A row as a person reads it: a wide character once, not followed by the cell it covers. */
    private String row(int row) {
        StringBuilder text = new StringBuilder();
        int columns = terminal.getTerminalSize().getColumns();
        for (int c = 0; c < columns; c++) {
            TextCharacter cell = terminal.getCharacter(c, row);
            text.append(cell.getCharacterString());
            if (cell.isDoubleWidth()) {
                c++;
            }
        }
        return text.toString();
    }

    private List<String> rows() {
        return IntStream.range(0, terminal.getTerminalSize().getRows()).mapToObj(this::row).toList();
    }

    private int columnOf(int row, String text) {
        return row(row).indexOf(text);
    }

    @Test
    void theStatusBarShowsTheNickTheRoomTheGatewayAndTheConnectionsState() throws IOException {
        view.open("lobby");
        paint(80, 24);
        assertTrue(row(0).startsWith(" alice │ #lobby │ connected to 127.0.0.1:7001"), row(0));
        assertTrue(terminal.getCharacter(1, 0).isReversed(), "the bar stands out");

        view.connection(new Failover.State.Waiting(GW2, CLOCK.instant().plusSeconds(3), 1, false, "no pong for 5 s"));
        paint(80, 24);
        assertTrue(row(0).contains("reconnecting: no pong for 5 s; retrying 127.0.0.1:7002 in 3 s"), row(0));

        view.connection(new Failover.State.Waiting(GW1, CLOCK.instant(), 3, true, "connection closed"));
        paint(80, 24);
        assertTrue(row(0).contains("offline: connection closed"), row(0));
    }

    @Test
    void aLongMessageWrapsUnderItsTextAndNothingCrossesIntoTheMemberList() throws IOException {
        view.open("lobby");
        view.members("lobby", List.of("alice", "bob"));
        String words = "the quick brown fox jumps over the lazy dog and keeps running far beyond the edge of the pane";
        entries.add(message(1, "bob", words));
        paint(80, 24);

        int first = IntStream.range(1, 21).filter(r -> row(r).contains("bob")).findFirst().orElseThrow();
        int textColumn = columnOf(first, "the quick");
        assertTrue(row(first).contains("10:01"), row(first));
        String second = row(first + 1);
        assertFalse(second.substring(textColumn).isBlank(), "the text goes on under itself: " + second);
        assertEquals(' ', second.charAt(textColumn - 1), "aligned with the first line's text");
        int rule = row(first).lastIndexOf('│');
        for (int r = first; r <= first + 2; r++) {
            assertEquals('│', row(r).charAt(rule), "the member list's rule stands on row " + r);
        }
        String shown = String.join(" ", List.of(row(first), row(first + 1), row(first + 2)).stream()
            .map(line -> line.substring(textColumn, rule).strip()).filter(s -> !s.isEmpty()).toList());
        assertEquals(words, shown);
        assertTrue(row(1).contains("2 here") && row(2).contains("alice") && row(3).contains("bob"), rows().toString());
    }

    @Test
    void theRoomListCountsUnreadMessagesAndMarksMentions() throws IOException {
        view.open("lobby");
        view.open("random");
        view.open("ops");
        view.arrived("random", message(1, "bob", "anyone here?"));
        view.arrived("random", message(2, "bob", "hello?"));
        view.arrived("ops", message(3, "carol", "alice, the deploy is yours"));
        view.arrived("lobby", message(4, "bob", "seen at once: lobby is in view"));
        paint(80, 24);

        assertTrue(row(1).matches("1 #lobby +│.*"), row(1));
        assertTrue(row(2).matches("2 #random +2 │.*"), row(2));
        assertTrue(row(3).matches("3 #ops +1! │.*"), row(3));
        assertTrue(terminal.getCharacter(0, 1).isReversed(), "the current room stands out");
        assertTrue(terminal.getCharacter(2, 2).isBold(), "a room with unread messages is bold");

        view.select(1);
        paint(80, 24);
        assertTrue(row(2).matches("2 #random +│.*"), "read once shown: " + row(2));
        assertTrue(row(0).contains("#random"));
    }

    @Test
    void wideCharactersTakeTwoColumnsAndKeepTheLayoutInPlace() throws IOException {
        view.open("lobby");
        entries.add(message(1, "bob", "日本語 and 😀 ok"));
        entries.add(message(2, "carol", "plain"));
        paint(80, 24);

        int row = IntStream.range(1, 21).filter(r -> row(r).contains("日本語")).findFirst().orElseThrow();
        int at = IntStream.range(0, 80).filter(c -> terminal.getCharacter(c, row).getCharacterString().equals("日"))
            .findFirst().orElseThrow();
        assertTrue(terminal.getCharacter(at, row).isDoubleWidth());
        assertEquals("本", terminal.getCharacter(at + 2, row).getCharacterString(), "each ideograph takes two cells");
        assertEquals("語", terminal.getCharacter(at + 4, row).getCharacterString());
        int smiley = IntStream.range(0, 80).filter(c -> terminal.getCharacter(c, row).getCharacterString().equals("😀"))
            .findFirst().orElseThrow();
        assertEquals(" ", terminal.getCharacter(smiley + 2, row).getCharacterString());
        assertEquals("o", terminal.getCharacter(smiley + 3, row).getCharacterString());
        int plain = columnOf(row + 1, "plain");
        assertEquals(at, plain, "the next message's text starts in the same column");
    }

    @Test
    void nothingFromTheWireReachesTheTerminalAsAControlOrEscapeSequence() throws IOException {
        view.open("lobby");
        entries.add(message(1, "bob", "\u001b[2J\u001b]0;owned\u0007 \u009b31m red \u202eesrever"));
        paint(80, 24);
        for (int r = 0; r < 24; r++) {
            for (int c = 0; c < 80; c++) {
                String cell = terminal.getCharacter(c, r).getCharacterString();
                cell.codePoints().forEach(cp -> assertFalse(Character.isISOControl(cp) || cp == 0x202E,
                    "a control character reached the screen: U+" + Integer.toHexString(cp)));
            }
        }
        assertTrue(rows().stream().anyMatch(line -> line.contains("[2J") && line.contains("esrever")), rows().toString());
    }

    @Test
    void ownMessagesAreDimUntilAckedAndAFailedOneSaysHowToRetry() throws IOException {
        view.open("lobby");
        entries.add(new Timeline.Entry(null, "alice", "on its way", "a1", CLOCK.instant().toString(),
            Timeline.State.PENDING));
        entries.add(new Timeline.Entry(null, "alice", "lost", "a2", CLOCK.instant().toString(), Timeline.State.FAILED));
        paint(80, 24);

        int pending = IntStream.range(1, 21).filter(r -> row(r).contains("on its way")).findFirst().orElseThrow();
        assertEquals(TextColor.ANSI.BLACK_BRIGHT,
            terminal.getCharacter(columnOf(pending, "on its way"), pending).getForegroundColor());
        int failed = IntStream.range(1, 21).filter(r -> row(r).contains("lost")).findFirst().orElseThrow();
        assertTrue(row(failed).contains("fail"), row(failed));
        assertTrue(row(22).contains("1 message was not sent: Ctrl+R sends again"), row(22));
    }

    @Test
    void aMessageOfSeveralLinesShowsEachLineOnARowOfItsOwnUnderItsText() throws IOException {
        view.open("lobby");
        entries.add(message(1, "bob", "first line\nsecond line\n\nafter a blank one"));
        entries.add(message(2, "carol", "next"));
        paint(80, 24);

        int first = IntStream.range(1, 21).filter(r -> row(r).contains("first line")).findFirst().orElseThrow();
        int textColumn = columnOf(first, "first line");
        assertTrue(row(first).contains("bob"), row(first));
        assertEquals(textColumn, columnOf(first + 1, "second line"), "a continuation of the same message");
        int paneLeft = row(first).indexOf('│') + 1;
        assertTrue(row(first + 1).substring(paneLeft, textColumn).isBlank(),
            "no time and no nick on a continuation row: " + row(first + 1));
        assertTrue(row(first + 2).substring(textColumn, textColumn + 20).isBlank(),
            "the empty line stays: " + row(first + 2));
        assertEquals(textColumn, columnOf(first + 3, "after a blank one"));
        assertTrue(row(first + 4).contains("carol") && row(first + 4).contains("next"), row(first + 4));
        assertFalse(rows().stream().anyMatch(line -> line.indexOf(TerminalText.REPLACEMENT) >= 0),
            "no newline shows as \uFFFD: " + rows());
    }

    @Test
    void aMessageWaitingForAGatewayIsMarkedQueued() throws IOException {
        view.open("lobby");
        view.connection(new Failover.State.Waiting(GW2, CLOCK.instant().plusSeconds(3), 3, true, "connection refused"));
        entries.add(new Timeline.Entry(null, "alice", "typed offline", "a1", CLOCK.instant().toString(),
            Timeline.State.QUEUED));
        paint(80, 24);

        int queued = IntStream.range(1, 21).filter(r -> row(r).contains("typed offline")).findFirst().orElseThrow();
        int mark = columnOf(queued, "queue");
        assertTrue(mark >= 0 && mark < columnOf(queued, "alice"), "the mark stands in the time column: " + row(queued));
        assertEquals(TextColor.ANSI.YELLOW, terminal.getCharacter(mark, queued).getForegroundColor());
        assertFalse(row(queued).contains("..."), "not pending: it has not been sent");
        assertTrue(row(22).contains("1 message waits for a gateway"), row(22));
    }

    @Test
    void theInputShowsANewlineAsAMarkOnItsOneRow() throws IOException {
        view.open("lobby");
        "first".codePoints().forEach(input::insert);
        input.newLine();
        "second".codePoints().forEach(input::insert);
        paint(80, 24);
        assertEquals("#lobby> first" + TerminalText.NEWLINE_MARK + "second", row(23).strip());
        assertEquals(columnOf(23, "second") + 6, painted.cursor().getColumn());
    }

    @Test
    void scrollingBackShowsOlderLinesAndSaysWhenTheFirstIsInView() throws IOException {
        view.open("lobby");
        for (int i = 1; i <= 60; i++) {
            entries.add(message(i, "bob", "line " + i));
        }
        paint(80, 24);
        assertTrue(row(21).contains("line 60"), "the pane's last row: " + row(21));
        assertFalse(painted.atTop());

        view.scroll(20);
        paint(80, 24);
        assertTrue(row(21).contains("line 40"), row(21));
        assertTrue(row(22).contains("scrolled back 20 lines"), row(22));

        view.scroll(1_000);
        paint(80, 24);
        assertTrue(painted.atTop());
        assertTrue(row(1).contains("line 1"), row(1));
        assertEquals(60 - 21, view.scrollBack(), "no further back than the first line, 21 rows of pane");
    }

    @Test
    void theMemberListHidesAndTheInputLineShowsTheCursor() throws IOException {
        view.open("lobby");
        view.members("lobby", List.of("alice", "bob"));
        "hello".codePoints().forEach(input::insert);
        paint(80, 24);
        assertTrue(row(2).contains("alice"));
        assertEquals("#lobby> hello", row(23).strip());
        assertEquals(23, painted.cursor().getRow());
        assertEquals(columnOf(23, "hello") + 5, painted.cursor().getColumn());

        view.toggleMembers();
        paint(80, 24);
        assertFalse(row(2).contains("alice"), row(2));
    }

    @Test
    void itFillsALargeTerminalAndSaysSoWhenOneIsTooSmall() throws IOException {
        view.open("lobby");
        entries.add(message(1, "bob", "hi"));
        paint(200, 60);
        assertTrue(row(0).strip().endsWith("F1 help"), row(0));
        assertTrue(row(59).startsWith("#lobby> "), row(59));

        paint(60, 20);
        assertTrue(row(0).startsWith("The chat needs 80x24 or more; this is 60x20."), row(0));
    }

    @Test
    void theStatusBarMarksAnAccountAndAGuest() throws IOException {
        view.open("lobby");
        view.account(true);
        paint(80, 24);
        assertTrue(row(0).startsWith(" alice ✓ │ #lobby │ connected"), row(0));
        view.account(false);
        paint(80, 24);
        assertTrue(row(0).startsWith(" alice (guest) │ #lobby │ connected"), row(0));
    }

    @Test
    void whileASecretIsTypedTheInputShowsItsPromptAndNothingOfTheInput() throws IOException {
        view.open("lobby");
        "typed before".codePoints().forEach(input::insert);
        view.secretPrompt("password for alice (not shown)");
        paint(80, 24);
        assertEquals("password for alice (not shown)>", row(23).strip());
        assertEquals("password for alice (not shown)> ".length(), painted.cursor().getColumn());

        view.secretPrompt(null);
        paint(80, 24);
        assertEquals("#lobby> typed before", row(23).strip(), "the input comes back as it was");
    }
}
