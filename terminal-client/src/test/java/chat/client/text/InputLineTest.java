package chat.client.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Limits;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputLineTest {
    private static final List<String> COMMANDS = List.of("/join", "/part", "/msg", "/who", "/rooms", "/help", "/quit");
    private static final List<String> NICKS = List.of("carol", "Bob", "bea", "alice");

    private final InputLine line = new InputLine();

    private void type(String text) {
        text.chars().forEach(c -> line.insert(c));
    }

    private void tab() {
        line.complete(NICKS, COMMANDS);
    }

    @Test
    void typingAndEditingHappenAtTheCursor() {
        type("hello");
        assertTrue(line.left());
        assertTrue(line.left());
        type("X");
        assertEquals("helXlo", line.text());
        assertEquals(4, line.cursor());
        assertTrue(line.backspace());
        assertTrue(line.delete());
        assertEquals("helo", line.text());
        assertTrue(line.home());
        assertFalse(line.left(), "nothing before the start");
        assertFalse(line.backspace());
        assertTrue(line.end());
        assertFalse(line.right(), "nothing after the end");
        assertFalse(line.delete());
        assertEquals(4, line.cursor());
    }

    @Test
    void controlCharactersAreIgnored() {
        for (int control : new int[] {0x1b, '\t', '\n', '\r', 0x7f, 0x9b, 0}) {
            assertFalse(line.insert(control));
        }
        assertFalse(line.insert(0x202E), "a bidi override is not drawn, so not typed either");
        assertFalse(line.insert(-1), "no code point at all");
        assertEquals("", line.text());
    }

    @Test
    void anEmojiTypedAsTwoCharsIsOneCodePointTwoColumnsWide() {
        String grin = "😀";
        assertFalse(line.insert(grin.charAt(0)), "the high surrogate waits");
        assertTrue(line.insert(grin.charAt(1)));
        assertEquals(grin, line.text());
        assertEquals(1, line.cursor());
        assertEquals(2, line.cursorColumn());
        assertFalse(line.insert(grin.charAt(1)), "a low surrogate alone is no character");
        assertEquals(grin, line.text());
    }

    @Test
    void aCombiningMarkJoinsTheCharacterBeforeTheCursorWhenItCan() {
        type("e");
        assertTrue(line.insert(0x301));
        assertEquals("é", line.text());
        type("q");
        assertFalse(line.insert(0x301), "no composed character for q with an acute");
        assertEquals("éq", line.text());
    }

    @Test
    void theLineHoldsNoMoreThanTheProtocolAccepts() {
        for (int i = 0; i < Limits.MAX_TEXT_CODE_POINTS; i++) {
            assertTrue(line.insert('x'));
        }
        assertFalse(line.insert('y'));
        assertEquals(Limits.MAX_TEXT_CODE_POINTS, line.length());
        assertEquals(null, Limits.textProblem(line.text()));
    }

    @Test
    void ctrlWDeletesTheWordBeforeTheCursor() {
        type("hello big   world");
        assertTrue(line.deleteWordBefore());
        assertEquals("hello big   ", line.text());
        assertTrue(line.deleteWordBefore());
        assertEquals("hello ", line.text(), "the spaces after the word go with it");
        type("x y");
        line.left();
        line.left();
        assertTrue(line.deleteWordBefore());
        assertEquals("hello  y", line.text());
        assertEquals(6, line.cursor());
    }

    @Test
    void aNewLineMakesAMessageOfSeveralLines() {
        type("first");
        assertTrue(line.newLine());
        type("second");
        assertEquals("first\nsecond", line.text());
        assertEquals(12, line.cursor());
        assertEquals(12, line.cursorColumn(), "a newline takes one column where it is shown");
        line.home();
        line.newLine();
        assertEquals("\nfirst\nsecond", line.text());
        assertEquals(null, Limits.textProblem(line.text()), "the protocol takes a newline in text");
        assertEquals("\nfirst\nsecond", line.submit());
        assertTrue(line.up());
        assertEquals("\nfirst\nsecond", line.text(), "a message of several lines is recalled whole");
    }

    @Test
    void aNewLineEndsAWordForCtrlWAndCompletion() {
        type("hello");
        line.newLine();
        type("big");
        assertTrue(line.deleteWordBefore());
        assertEquals("hello\n", line.text());
        assertTrue(line.deleteWordBefore());
        assertEquals("", line.text());
        type("hi");
        line.newLine();
        type("ca");
        tab();
        assertEquals("hi\ncarol ", line.text(), "the word after the newline is completed");
    }

    @Test
    void aNewLineCountsTowardsTheLimit() {
        for (int i = 0; i < Limits.MAX_TEXT_CODE_POINTS - 1; i++) {
            line.insert('x');
        }
        assertTrue(line.newLine());
        assertFalse(line.newLine());
        assertEquals(Limits.MAX_TEXT_CODE_POINTS, line.length());
    }

    @Test
    void ctrlUEmptiesTheLine() {
        type("something");
        assertTrue(line.clear());
        assertEquals("", line.text());
        assertEquals(0, line.cursor());
        assertFalse(line.clear());
    }

    @Test
    void theCursorColumnCountsWideCharacters() {
        type("a漢b");
        assertEquals(4, line.cursorColumn());
        line.left();
        assertEquals(3, line.cursorColumn());
        assertEquals(2, line.columnsBetween(1, 2));
    }

    @Test
    void submitReturnsTheLineAndEmptiesIt() {
        type("hi all");
        assertEquals("hi all", line.submit());
        assertEquals("", line.text());
        assertEquals(0, line.cursor());
    }

    @Test
    void upAndDownWalkTheHistoryAndGiveBackWhatWasBeingTyped() {
        type("first");
        line.submit();
        type("second");
        line.submit();
        type("draft");
        assertTrue(line.up());
        assertEquals("second", line.text());
        assertEquals(6, line.cursor(), "the cursor at the end");
        assertTrue(line.up());
        assertEquals("first", line.text());
        assertFalse(line.up(), "nothing older");
        assertEquals("first", line.text());
        assertTrue(line.down());
        assertEquals("second", line.text());
        assertTrue(line.down());
        assertEquals("draft", line.text());
        assertFalse(line.down());
    }

    @Test
    void aChangedRecalledLineIsSentAndTheEntryStaysAsItWas() {
        type("hello");
        line.submit();
        line.up();
        type(" again");
        assertEquals("hello again", line.submit());
        line.up();
        assertEquals("hello again", line.text());
        line.up();
        assertEquals("hello", line.text());
    }

    @Test
    void blankLinesAndRepeatsAreNotRecorded() {
        type("same");
        line.submit();
        type("same");
        line.submit();
        type("   ");
        assertEquals("   ", line.submit());
        line.submit();
        assertTrue(line.up());
        assertEquals("same", line.text());
        assertFalse(line.up(), "one entry only");
    }

    @Test
    void theHistoryKeepsTheNewestHundredLines() {
        for (int i = 0; i < InputLine.HISTORY_SIZE + 20; i++) {
            type("line " + i);
            line.submit();
        }
        int entries = 0;
        while (line.up()) {
            entries++;
        }
        assertEquals(InputLine.HISTORY_SIZE, entries);
        assertEquals("line 20", line.text());
    }

    @Test
    void aSlashWordAtTheStartCompletesACommand() {
        type("/jo");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("/join ", line.text());
        assertEquals(6, line.cursor());
    }

    @Test
    void anAtWordCompletesANickForADirectMessage() {
        type("@ca");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("@carol ", line.text());
    }

    @Test
    void aNickFirstOnTheLineIsAddressedWithAColon() {
        type("CA");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("carol: ", line.text(), "matched whatever the case, written as the nick is");
    }

    @Test
    void aNickLaterOnTheLineIsFollowedByASpace() {
        type("thanks al");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("thanks alice ", line.text());
    }

    @Test
    void theWordBeforeTheCursorIsCompletedInTheMiddleOfTheLine() {
        type("hi al, see you");
        for (int i = 0; i < ", see you".length(); i++) {
            line.left();
        }
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("hi alice , see you", line.text());
        assertEquals(9, line.cursor());
    }

    @Test
    void tabAgainCyclesThroughTheCandidatesInOrder() {
        type("b");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("bea: ", line.text());
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("Bob: ", line.text(), "sorted whatever the case");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertEquals("bea: ", line.text(), "and round again");
    }

    @Test
    void commandsCycleToo() {
        type("/");
        tab();
        assertEquals("/help ", line.text());
        tab();
        assertEquals("/join ", line.text());
    }

    @Test
    void anyOtherEditEndsTheCycle() {
        type("b");
        tab();
        assertEquals("bea: ", line.text());
        line.backspace();
        line.backspace();
        tab();
        assertEquals("bea: ", line.text(), "a fresh completion of 'bea', not the next candidate");
    }

    @Test
    void aMoveEndsTheCycle() {
        type("hi b");
        tab();
        assertEquals("hi bea ", line.text());
        line.left();
        line.right();
        assertFalse(line.complete(NICKS, COMMANDS), "no word before the cursor");
        assertEquals("hi bea ", line.text());
    }

    @Test
    void withNoCandidateNothingChanges() {
        type("zed");
        assertFalse(line.complete(NICKS, COMMANDS));
        assertEquals("zed", line.text());
        line.clear();
        type("say /jo");
        assertFalse(line.complete(NICKS, COMMANDS), "a command only starts the line");
        assertEquals("say /jo", line.text());
        line.clear();
        assertFalse(line.complete(NICKS, COMMANDS), "no word at all");
    }

    @Test
    void aSingleCandidateDoesNotChangeOnTabAgain() {
        type("ca");
        assertTrue(line.complete(NICKS, COMMANDS));
        assertFalse(line.complete(NICKS, COMMANDS));
        assertEquals("carol: ", line.text());
    }

    @Test
    void aNickTheLineCouldNotHoldIsNoCandidate() {
        type("e");
        assertFalse(line.complete(List.of("evil\u001b[2J", "e vil"), COMMANDS));
        assertEquals("e", line.text());
    }

    @Test
    void theViewShowsTheStartWhileTheCursorFits() {
        type("short");
        assertEquals(0, line.scrollFor(10));
        assertEquals("short", line.textFrom(0));
    }

    @Test
    void theViewFollowsTheCursorPastTheRightEdgeAndBack() {
        type("a".repeat(30));
        assertEquals(21, line.scrollFor(10), "nine code points and the cursor's cell");
        line.left();
        line.left();
        assertEquals(21, line.scrollFor(10), "the view stays while the cursor is in it");
        line.home();
        assertEquals(0, line.scrollFor(10));
        line.end();
        assertEquals(21, line.scrollFor(10));
        for (int i = 0; i < 25; i++) {
            line.backspace();
        }
        assertEquals(0, line.scrollFor(10), "hidden text comes back once it fits");
    }

    @Test
    void theViewMakesRoomForAWideCharacterUnderTheCursor() {
        type("abcd漢");
        line.left();
        int from = line.scrollFor(5);
        assertEquals(1, from);
        assertEquals(3, line.columnsBetween(from, line.cursor()));
        assertEquals("bcd漢", line.textFrom(from));
    }

    @Test
    void theCursorIsAlwaysInViewWhateverTheEdits() {
        Random random = new Random(7);
        String[] typed = {"a", "b", " ", "漢", "😀"};
        for (int step = 0; step < 5_000; step++) {
            switch (random.nextInt(8)) {
                case 0, 1, 2 -> type(typed[random.nextInt(typed.length)]);
                case 3 -> line.left();
                case 4 -> line.right();
                case 5 -> line.backspace();
                case 6 -> line.home();
                default -> line.end();
            }
            int columns = 2 + random.nextInt(10);
            int from = line.scrollFor(columns);
            int cell = line.cursor() < line.length() ? line.columnsBetween(line.cursor(), line.cursor() + 1) : 1;
            assertTrue(from <= line.cursor());
            assertTrue(line.columnsBetween(from, line.cursor()) + cell <= columns,
                "cursor out of view at step " + step);
        }
    }

    @Test
    void aViewNarrowerThanOneColumnIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> line.scrollFor(0));
    }
}
