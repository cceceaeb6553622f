package chat.client.text;

import com.googlecode.lanterna.TerminalTextUtils;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes text from the wire safe to draw and lays it out in terminal columns. Stateless and thread-safe.
 *
 * <p>The screen draws one code point per cell (two cells for a wide one), so {@link #sanitize} keeps only code points
 * that a terminal draws as a glyph of their own, in the columns {@link #width(int)} says:
 * <ul>
 *   <li>C0 controls, DEL and C1 controls become U+FFFD, a tab one space. Any of them can start an escape sequence
 *       (ESC, and CSI as U+009B) or move the cursor (CR, LF, BS), so none may reach the terminal. U+FFFD rather than
 *       '?' because it says "something was here that cannot be shown" and cannot be mistaken for typed text; it is
 *       one column wide for Lanterna and for terminals (East Asian ambiguous, like the box lines the screen already
 *       draws). A newline, which the protocol allows in a message, is replaced too where text must stay on one line (a
 *       nick, the status bar); a message's text is broken at its newlines by {@link #lines}, each of its lines
 *       sanitized and wrapped on its own, because a break the screen did not make would put what follows in the
 *       wrong place. Line and paragraph separators (U+2028, U+2029) become a space: they separate words and move
 *       nothing.</li>
 *   <li>Format characters (Unicode category Cf) are removed: bidi embeddings, overrides, isolates and marks would
 *       let a sender reorder what others see; zero-width spaces, joiners, the word joiner, the BOM and the soft hyphen
 *       draw nothing, and tag characters hide text. The zero-width joiner goes too: an emoji ZWJ sequence cannot be
 *       one glyph when each code point has its own cell, and its parts side by side are honest about what was
 *       sent.</li>
 *   <li>Text is put in NFC first, so that a letter and its accent become the one precomposed code point where
 *       Unicode has one, and the combining marks left over (Mn, Me: accents without a precomposed form, variation
 *       selectors, the keycap) are removed. Lanterna 3.1.3 cannot put a mark in the cell before it, and a terminal
 *       would draw it over the previous glyph, out of step with the columns counted here. Scripts that need marks
 *       (Devanagari, Thai) lose them; that is what a cell-per-code-point screen can do. Dropping the emoji
 *       presentation selector U+FE0F also makes ❤️ the one-column ❤ on which terminals and Lanterna agree.</li>
 *   <li>For the same reason emoji skin-tone modifiers (U+1F3FB–U+1F3FF) and Hangul vowel and final jamo that NFC
 *       could not join into a syllable are removed: terminals that cluster graphemes merge them into the character
 *       before, others draw them zero columns wide, and Lanterna counts them as a character of their own. The emoji
 *       shows in its default tone.</li>
 *   <li>Regional indicators become the ASCII letters they stand for (🇫🇷 shows as FR): a pair is one two-column
 *       flag in some terminals, two one-column letters in others, and two two-column characters for Lanterna, so
 *       any choice of width would be wrong somewhere; the letters are right everywhere.</li>
 *   <li>Lone surrogates become U+FFFD: they are no character, and an encoder would write them as '?' or fail.</li>
 * </ul>
 *
 * <p>Widths agree with what Lanterna 3.1.3 draws, since its screen buffer decides where each character lands: a code
 * point outside the BMP is wide (a {@code TextCharacter} of two chars is double width), and a BMP one is wide when
 * {@link TerminalTextUtils#isCharDoubleWidth} says so: the CJK, Hangul, kana and fullwidth-form blocks. Where
 * terminals following Unicode's East Asian Width differ, Lanterna's line can be drawn a column off until its next
 * cursor move: BMP emoji such as ⭐, ✅ or ⌚ are two columns in those terminals and one here; supplementary symbols
 * without emoji presentation (𝐀, 🌡) are one column there and two here; Bopomofo, Yi, Kangxi radicals and the CJK
 * compatibility block (㍻) are two columns there and one here.
 */
public final class TerminalText {
    /** What replaces a character that must not or cannot be drawn. */
    public static final int REPLACEMENT = 0xFFFD;
    /** What ends a line that {@link #fit} cut. */
    public static final char ELLIPSIS = '…';
    /** How a newline shows where text stays on one line, as in the input being typed: one column wide. */
    public static final char NEWLINE_MARK = '↵';

    /** {@link #shownAs}'s answer for a code point that is left out. */
    private static final int DROPPED = -1;

    private TerminalText() {}

    /**
     * The text as it may be drawn: no control or escape sequence, nothing that reorders or hides text, and one glyph
     * per code point, as the class comment explains. Null, for a field the wire left out, shows as nothing.
     */
    public static String sanitize(String wire) {
        if (wire == null) {
            return "";
        }
        if (isPrintableAscii(wire)) {
            return wire;
        }
        String text = Normalizer.isNormalized(wire, Normalizer.Form.NFC)
            ? wire : Normalizer.normalize(wire, Normalizer.Form.NFC);
        StringBuilder shown = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int replacement = shownAs(cp);
            if (replacement != DROPPED) {
                shown.appendCodePoint(replacement);
            }
        }
        return shown.toString();
    }

    private static boolean isPrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Whether the code point is a C0 control, DEL or a C1 control: one a terminal may act on. */
    static boolean isControl(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    }

    /** What {@link #sanitize} draws for one code point of NFC text: the code point itself, another, or none. */
    private static int shownAs(int cp) {
        if (cp == '\t' || cp == 0x2028 || cp == 0x2029) {
            return ' ';
        }
        if (isControl(cp)) {
            return REPLACEMENT;
        }
        if (cp >= 0x1F1E6 && cp <= 0x1F1FF) {
            return 'A' + (cp - 0x1F1E6);
        }
        return switch (Character.getType(cp)) {
            case Character.SURROGATE -> REPLACEMENT;
            case Character.FORMAT, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK -> DROPPED;
            default -> Character.isEmojiModifier(cp) || isTrailingJamo(cp) ? DROPPED : cp;
        };
    }

    /** Hangul vowel and final jamo, which join the syllable before them (Hangul_Syllable_Type V and T). */
    private static boolean isTrailingJamo(int cp) {
        return (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF);
    }

    /**
     * Columns the code point takes on Lanterna's screen: 2 for a wide one, else 1. Meant for code points that
     * {@link #sanitize} keeps, none of which is zero columns wide.
     */
    public static int width(int codePoint) {
        if (codePoint > 0xFFFF) {
            return 2;
        }
        return TerminalTextUtils.isCharDoubleWidth((char) codePoint) ? 2 : 1;
    }

    /** Columns the sanitized text takes. */
    public static int width(String text) {
        int columns = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            columns += width(cp);
        }
        return columns;
    }

    /**
     * A message's text from the wire as the screen shows it: a line for each line of the text (it breaks at each
     * newline), each {@link #sanitize sanitized} and {@link #wrap wrapped} to {@code columns}. At least one line; an
     * empty line of the text stays an empty line.
     */
    public static List<String> lines(String wire, int columns) {
        List<String> lines = new ArrayList<>();
        for (String line : (wire == null ? "" : wire).split("\n", -1)) {
            lines.addAll(wrap(sanitize(line), columns));
        }
        return lines;
    }

    /**
     * The sanitized text in lines of at most {@code columns} columns, at least one (an empty text is one empty line).
     * A line breaks at the last space that fits, and the spaces at the break are dropped; a word longer than a line is
     * cut where the line is full. A wide character is never split, so a line may end a column short. The one line
     * that can be wider than {@code columns}: a wide character when {@code columns} is 1, alone on its line, because
     * it cannot be split and leaving it out would lose text without a trace.
     */
    public static List<String> wrap(String text, int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, not " + columns);
        }
        int[] cps = text.codePoints().toArray();
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = start;
            int used = 0;
            while (end < cps.length && used + width(cps[end]) <= columns) {
                used += width(cps[end]);
                end++;
            }
            if (end == cps.length) {
                if (start < end || lines.isEmpty()) {
                    lines.add(new String(cps, start, end - start));
                }
                return lines;
            }
            int space = lastBreak(cps, start, end);
            if (space >= 0) {
                lines.add(new String(cps, start, trimEnd(cps, start, space) - start));
                start = space;
                while (start < cps.length && cps[start] == ' ') {
                    start++;
                }
                if (start == cps.length) {
                    return lines;
                }
            } else {
                int cut = Math.max(end, start + 1);
                lines.add(new String(cps, start, cut - start));
                start = cut;
            }
        }
    }

    /**
     * The last space in {@code (start, end]} that has a word before it on the line, or -1 when the line is one
     * word (or only spaces) and must be cut.
     */
    private static int lastBreak(int[] cps, int start, int end) {
        for (int i = end; i > start; i--) {
            if (cps[i] == ' ' && trimEnd(cps, start, i) > start) {
                return i;
            }
        }
        return -1;
    }

    /** The end of {@code cps[start, end)} without its trailing spaces. */
    private static int trimEnd(int[] cps, int start, int end) {
        while (end > start && cps[end - 1] == ' ') {
            end--;
        }
        return end;
    }

    /**
     * The sanitized text cut to at most {@code columns} columns, ending in {@link #ELLIPSIS} when it was cut (the
     * spaces before the ellipsis go, and a wide character that would cross it leaves a column blank). Nothing fits in
     * fewer than one column.
     */
    public static String fit(String text, int columns) {
        if (columns < 1) {
            return "";
        }
        if (width(text) <= columns) {
            return text;
        }
        int end = 0;
        int used = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            if (used + width(cp) > columns - 1) {
                break;
            }
            used += width(cp);
            end += Character.charCount(cp);
        }
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }
}
