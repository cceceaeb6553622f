package chat.client.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TextCharacter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void escapeSequencesComeOutAsHarmlessVisibleText() {
        assertEquals("\uFFFD[2J", TerminalText.sanitize("\u001b[2J"), "ESC, which starts every escape sequence");
        assertEquals("\uFFFD31m", TerminalText.sanitize("\u009b31m"), "CSI as the one C1 code point");
        assertEquals("\uFFFD]0;owned\uFFFD", TerminalText.sanitize("\u001b]0;owned\u0007"), "a title change");
        assertEquals("a\uFFFDb\uFFFDc\uFFFDd\uFFFD", TerminalText.sanitize("a\rb\nc\bd\u007f"));
    }

    @Test
    void aTabIsOneSpaceAndLineSeparatorsAreSpaces() {
        assertEquals("a b c d", TerminalText.sanitize("a\tb\u2028c\u2029d"));
    }

    @Test
    void bidiControlsThatReorderTextAreRemoved() {
        assertEquals("abcdef", TerminalText.sanitize("abc\u202Edef"), "right-to-left override");
        String everyBidiControl = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
        assertEquals("xy", TerminalText.sanitize("x" + everyBidiControl + "y"));
    }

    @Test
    void invisibleFormatCharactersAreRemoved() {
        assertEquals("admin", TerminalText.sanitize("ad\u200Bmi\u2060n\uFEFF"), "zero-width space, word joiner, BOM");
        assertEquals("hyphen", TerminalText.sanitize("hy\u00ADphen"), "soft hyphen");
        assertEquals("\uD83C\uDFF4", TerminalText.sanitize("\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC7F"),
            "tag characters, which hide text, leave the black flag");
    }

    @Test
    void anEmojiZwjSequenceShowsItsPartsSideBySide() {
        String family = "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertEquals("\uD83D\uDC69\uD83D\uDC69\uD83D\uDC67", TerminalText.sanitize(family));
    }

    @Test
    void accentsAreComposedAndMarksWithNoComposedFormAreDropped() {
        assertEquals("é", TerminalText.sanitize("e\u0301"));
        assertEquals("Å", TerminalText.sanitize("A\u030A"));
        assertEquals("q", TerminalText.sanitize("q\u0301"));
        assertEquals("Z", TerminalText.sanitize("Z\u0335\u0336\u0337\u20DD"), "stacked marks, an enclosing circle");
        assertEquals("❤", TerminalText.sanitize("❤\uFE0F"), "the emoji presentation selector");
        assertEquals("1", TerminalText.sanitize("1\uFE0F\u20E3"), "a keycap");
    }

    @Test
    void skinToneModifiersAreDroppedAndFlagsShowTheirLetters() {
        assertEquals("\uD83D\uDC4D", TerminalText.sanitize("\uD83D\uDC4D\uD83C\uDFFD"));
        assertEquals("FR", TerminalText.sanitize("\uD83C\uDDEB\uD83C\uDDF7"));
    }

    @Test
    void loneSurrogatesBecomeTheReplacementCharacter() {
        assertEquals("a\uFFFDb", TerminalText.sanitize("a\uD800b"));
        assertEquals("\uFFFD", TerminalText.sanitize("\uDC00"));
        assertEquals("\uFFFD\uFFFD", TerminalText.sanitize("\uDC00\uD800"), "a pair the wrong way round");
    }

    @Test
    void ordinaryTextIsLeftAsItIs() {
        String ascii = "hello, world! ~{}";
        assertSame(ascii, TerminalText.sanitize(ascii));
        assertEquals("héllo 漢字 한국어 😀 ½ ∑ │ … ＡＢ", TerminalText.sanitize("héllo 漢字 한국어 😀 ½ ∑ │ … ＡＢ"));
        assertEquals("", TerminalText.sanitize(null), "a field the wire left out shows as nothing");
    }

    @Test
    void noCodePointComesOutAsAControlFormatMarkOrSurrogate() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String shown = TerminalText.sanitize("a" + Character.toString(cp) + "b");
            for (int i = 0; i < shown.length(); ) {
                int out = shown.codePointAt(i);
                i += Character.charCount(out);
                int type = Character.getType(out);
                String what = String.format("U+%04X gave U+%04X", cp, out);
                assertTrue(out >= 0x20 && (out < 0x7f || out > 0x9f), what);
                assertTrue(type != Character.FORMAT && type != Character.NON_SPACING_MARK
                    && type != Character.ENCLOSING_MARK && type != Character.SURROGATE, what);
            }
        }
    }

    @Test
    void cjkHangulAndFullwidthFormsTakeTwoColumns() {
        assertEquals(4, TerminalText.width("漢字"));
        assertEquals(6, TerminalText.width("ひらが"));
        assertEquals(4, TerminalText.width("한국"));
        assertEquals(4, TerminalText.width("ＡＢ"));
        assertEquals(2, TerminalText.width(0x3000), "the ideographic space");
    }

    @Test
    void emojiTakeTwoColumns() {
        assertEquals(2, TerminalText.width(0x1F600));
        assertEquals(2, TerminalText.width("😀"));
        assertEquals(6, TerminalText.width("a😀b漢"));
    }

    @Test
    void latinSymbolsAndBoxDrawingTakeOneColumn() {
        assertEquals(5, TerminalText.width("héllo"));
        assertEquals(3, TerminalText.width("│…\uFFFD"));
        assertEquals(0, TerminalText.width(""));
    }

    @Test
    void widthAgreesWithWhatLanternaDrawsForEveryCodePointSanitizeKeeps() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String one = Character.toString(cp);
            if (Character.isDefined(cp) && TerminalText.sanitize(one).equals(one)) {
                int lanterna = TextCharacter.fromString(one)[0].isDoubleWidth() ? 2 : 1;
                assertEquals(lanterna, TerminalText.width(cp), String.format("U+%04X", cp));
            }
        }
    }

    @Test
    void wrappingBreaksAtSpacesAndDropsThem() {
        assertEquals(List.of("the quick", "brown fox", "jumps"), TerminalText.wrap("the quick brown fox jumps", 10));
        assertEquals(List.of("a", "b"), TerminalText.wrap("a     b", 3), "every space at a break goes");
        assertEquals(List.of("hello"), TerminalText.wrap("hello ", 5), "no empty line for a trailing space");
        assertEquals(List.of("  indented", "text"), TerminalText.wrap("  indented text", 11));
    }

    @Test
    void aWordLongerThanALineIsCutWhereTheLineIsFull() {
        assertEquals(List.of("abcd", "efgh", "ij"), TerminalText.wrap("abcdefghij", 4));
        assertEquals(List.of("go", "abcd", "efgh"), TerminalText.wrap("go abcdefgh", 4));
    }

    @Test
    void aWideCharacterThatWouldCrossTheEdgeGoesToTheNextLine() {
        assertEquals(List.of("ab", "漢", "字"), TerminalText.wrap("ab漢字", 3));
        assertEquals(List.of("a", "😀", "😀"), TerminalText.wrap("a😀😀", 2), "a surrogate pair stays whole");
        assertEquals(List.of("漢字", "漢字", "漢"), TerminalText.wrap("漢字漢字漢", 5));
    }

    @Test
    void aWideCharacterStandsAloneOnALineOneColumnWide() {
        assertEquals(List.of("a", "漢", "b"), TerminalText.wrap("a漢b", 1));
    }

    @Test
    void aMessageBreaksAtItsNewlinesAndEachOfItsLinesWraps() {
        assertEquals(List.of("first line", "second"), TerminalText.lines("first line\nsecond", 20));
        assertEquals(List.of("the quick", "brown fox", "jumps"), TerminalText.lines("the quick brown fox\njumps", 10));
        assertEquals(List.of("a", "", "b", ""), TerminalText.lines("a\n\nb\n", 10), "empty lines stay");
        assertEquals(List.of("tab here", "\uFFFD[2J"), TerminalText.lines("tab\there\n\u001b[2J", 10),
            "every other control character is made safe in each line");
        assertEquals(List.of(""), TerminalText.lines("", 10));
        assertEquals(List.of(""), TerminalText.lines(null, 10), "a field the wire left out");
    }

    @Test
    void emptyTextIsOneEmptyLine() {
        assertEquals(List.of(""), TerminalText.wrap("", 10));
    }

    @Test
    void aWidthBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TerminalText.wrap("text", 0));
    }

    @Test
    void noLineIsWiderThanTheWidthAndOnlySpacesAtBreaksGo() {
        Random random = new Random(42);
        String[] pieces = {"a", "b", "word", " ", " ", "  ", "漢", "字", "😀", "é", "longerword"};
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int count = random.nextInt(30);
            for (int i = 0; i < count; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            int columns = 2 + random.nextInt(12);
            List<String> lines = TerminalText.wrap(text.toString(), columns);
            assertTrue(!lines.isEmpty());
            for (String line : lines) {
                assertTrue(TerminalText.width(line) <= columns, "'" + line + "' in " + columns + " columns");
            }
            assertEquals(text.toString().replace(" ", ""), String.join("", lines).replace(" ", ""),
                "nothing but spaces is lost: " + text);
        }
    }

    @Test
    void fitLeavesTextThatFitsAndEndsACutOneWithAnEllipsis() {
        assertEquals("lobby", TerminalText.fit("lobby", 5));
        assertEquals("hello w…", TerminalText.fit("hello world", 8));
        assertEquals("hello…", TerminalText.fit("hello world", 7), "no space before the ellipsis");
        assertEquals("…", TerminalText.fit("abc", 1));
        assertEquals("", TerminalText.fit("abc", 0));
    }

    @Test
    void fitNeverSplitsAWideCharacter() {
        assertEquals("漢字…", TerminalText.fit("漢字漢字", 5));
        assertEquals("漢…", TerminalText.fit("漢字漢字", 4), "a column short rather than half a character");
        assertEquals("😀…", TerminalText.fit("😀😀😀", 4));
    }
}
