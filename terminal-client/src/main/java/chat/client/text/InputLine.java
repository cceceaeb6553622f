package chat.client.text;

import chat.protocol.Limits;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What the user is typing: code points with a cursor between them, the messages sent before (to walk with up and
 * down), and Tab completion of nicks and commands. Not thread-safe: the screen's thread owns it.
 *
 * <p>It holds only what {@link TerminalText#sanitize} leaves as it is, so that the user sees while typing what others
 * will see, and newlines ({@link #newLine}), which make a message of several lines: control characters are ignored, a
 * combining mark is joined to the character before the cursor when Unicode has the composed character (and ignored
 * when not), and anything else goes in as sanitize would show it. A terminal key brings one UTF-16 char, so a high
 * surrogate waits for the low one that follows it. The screen shows it on one row, a newline as
 * {@link TerminalText#NEWLINE_MARK}, one column like any other character.
 *
 * <p>History: {@link #up} and {@link #down} walk the lines sent. The line being typed when the walk began is kept
 * aside and comes back when {@link #down} passes the newest entry; changes to a recalled entry are dropped when the
 * walk moves on, and the entry itself never changes.
 *
 * <p>Completion: a {@link #complete} right after one that completed puts the next candidate in place of the one it
 * put there; a call of any other method that edits or moves ends that cycle.
 *
 * <p>Horizontal scrolling: {@link #scrollFor} keeps the first shown code point while the cursor stays in view, and
 * moves it only as far as needed when the cursor leaves, as a one-line text field does. Text hidden on the left comes
 * back as soon as it fits, so no columns stay blank at the end while text is hidden.
 */
public final class InputLine {
    /** Lines kept in the history; past it the oldest goes. */
    public static final int HISTORY_SIZE = 100;

    private static final int NONE = -1;
    private static final int INITIAL_CAPACITY = 64;

    private int[] text = new int[INITIAL_CAPACITY];
    private int length;
    private int cursor;
    /** A high surrogate typed last, waiting for its low one, or {@link #NONE}. */
    private int highSurrogate = NONE;
    /** The first code point shown, as {@link #scrollFor} last left it. */
    private int scroll;

    /** Lines sent, oldest first. */
    private final List<String> history = new ArrayList<>();
    /** While walking the history, how many entries back from the newest the line shows; 0 when not walking. */
    private int back;
    /** The line that was being typed when the walk began. */
    private String draft = "";

    /** The completion that the next {@link #complete} cycles, or null. */
    private Completion completion;

    /** Where a completion started and the candidates, as they stand on the line, to put the next one in its place. */
    private record Completion(int start, List<String> candidates, int index) {}

    /**
     * Types a code point at the cursor. Returns whether the line changed: not for a control character, for what the
     * screen would not draw, or once the line holds {@link Limits#MAX_TEXT_CODE_POINTS} code points.
     */
    public boolean insert(int codePoint) {
        int high = highSurrogate;
        endRuns();
        int cp = codePoint;
        if (cp <= 0xFFFF && Character.isHighSurrogate((char) cp)) {
            highSurrogate = cp;
            return false;
        }
        if (cp <= 0xFFFF && Character.isLowSurrogate((char) cp)) {
            if (high == NONE) {
                return false;
            }
            cp = Character.toCodePoint((char) high, (char) cp);
        }
        if (!Character.isValidCodePoint(cp) || TerminalText.isControl(cp)) {
            return false;
        }
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            return composeBeforeCursor(cp);
        }
        int[] shown = TerminalText.sanitize(Character.toString(cp)).codePoints().toArray();
        if (shown.length == 0 || length + shown.length > Limits.MAX_TEXT_CODE_POINTS) {
            return false;
        }
        splice(cursor, cursor, shown);
        return true;
    }

    /**
     * Starts a new line of the message at the cursor. Returns whether the text changed: not once it holds
     * {@link Limits#MAX_TEXT_CODE_POINTS} code points.
     */
    public boolean newLine() {
        endRuns();
        if (length + 1 > Limits.MAX_TEXT_CODE_POINTS) {
            return false;
        }
        splice(cursor, cursor, new int[] {'\n'});
        return true;
    }

    /** Whether a code point ends a word, for completion and Ctrl+W. */
    private static boolean isBlank(int cp) {
        return cp == ' ' || cp == '\n';
    }

    private boolean composeBeforeCursor(int mark) {
        if (cursor == 0) {
            return false;
        }
        String composed = Normalizer.normalize(Character.toString(text[cursor - 1]) + Character.toString(mark),
            Normalizer.Form.NFC);
        if (composed.codePointCount(0, composed.length()) != 1) {
            return false;
        }
        text[cursor - 1] = composed.codePointAt(0);
        return true;
    }

    /** Backspace: deletes the code point before the cursor. */
    public boolean backspace() {
        endRuns();
        return cursor > 0 && splice(cursor - 1, cursor, new int[0]);
    }

    /** Delete: deletes the code point under the cursor. */
    public boolean delete() {
        endRuns();
        return cursor < length && splice(cursor, cursor + 1, new int[0]);
    }

    /** Ctrl+W: deletes back to the start of the word before the cursor, with the spaces between it and the cursor. */
    public boolean deleteWordBefore() {
        endRuns();
        int start = cursor;
        while (start > 0 && isBlank(text[start - 1])) {
            start--;
        }
        while (start > 0 && !isBlank(text[start - 1])) {
            start--;
        }
        return start < cursor && splice(start, cursor, new int[0]);
    }

    /** Ctrl+U: empties the line. */
    public boolean clear() {
        endRuns();
        return length > 0 && splice(0, length, new int[0]);
    }

    public boolean left() {
        return moveTo(cursor - 1);
    }

    public boolean right() {
        return moveTo(cursor + 1);
    }

    public boolean home() {
        return moveTo(0);
    }

    public boolean end() {
        return moveTo(length);
    }

    private boolean moveTo(int position) {
        endRuns();
        if (position < 0 || position > length || position == cursor) {
            return false;
        }
        cursor = position;
        return true;
    }

    /** Ends what only an unbroken run of calls continues: a completion cycle, a high surrogate's wait. */
    private void endRuns() {
        completion = null;
        highSurrogate = NONE;
    }

    /**
     * Replaces the code points from {@code from} to {@code to} by {@code inserted} and puts the cursor after them.
     * Returns true, for the callers' convenience.
     */
    private boolean splice(int from, int to, int[] inserted) {
        int newLength = length - (to - from) + inserted.length;
        if (newLength > text.length) {
            text = Arrays.copyOf(text, Math.max(newLength, Math.min(text.length * 2, Limits.MAX_TEXT_CODE_POINTS)));
        }
        System.arraycopy(text, to, text, from + inserted.length, length - to);
        System.arraycopy(inserted, 0, text, from, inserted.length);
        length = newLength;
        cursor = from + inserted.length;
        return true;
    }

    /** The line as typed. */
    public String text() {
        return new String(text, 0, length);
    }

    /** The line from the code point at {@code from} to its end: what the screen shows after scrolling. */
    public String textFrom(int from) {
        return new String(text, from, length - from);
    }

    /** The code points in the line. */
    public int length() {
        return length;
    }

    /** The cursor's place: the number of code points before it. */
    public int cursor() {
        return cursor;
    }

    /** The columns before the cursor. */
    public int cursorColumn() {
        return columnsBetween(0, cursor);
    }

    /** The columns that the code points from {@code from} up to {@code to} (excluded) take. */
    public int columnsBetween(int from, int to) {
        int columns = 0;
        for (int i = from; i < to; i++) {
            columns += TerminalText.width(text[i]);
        }
        return columns;
    }

    /**
     * The first code point to show when the line has {@code columns} columns, chosen so that the cell under the
     * cursor (the character there, or one column past the end) is in view; see the class comment for how it moves.
     * The cursor then stands {@code columnsBetween(scrollFor(columns), cursor())} columns from the left. Only the
     * view moves: the text and the cursor stay as they are.
     */
    public int scrollFor(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, not " + columns);
        }
        int cell = cursor < length ? TerminalText.width(text[cursor]) : 1;
        scroll = Math.min(scroll, cursor);
        int beforeCursor = columnsBetween(scroll, cursor);
        while (scroll < cursor && beforeCursor + cell > columns) {
            beforeCursor -= TerminalText.width(text[scroll]);
            scroll++;
        }
        int shown = columnsBetween(scroll, length) + 1;
        while (scroll > 0 && shown + TerminalText.width(text[scroll - 1]) <= columns) {
            scroll--;
            shown += TerminalText.width(text[scroll]);
        }
        return scroll;
    }

    /**
     * Enter: returns the line and empties it. A line that is not blank goes into the history, unless it repeats the
     * newest entry.
     */
    public String submit() {
        endRuns();
        String line = text();
        if (!line.isBlank() && (history.isEmpty() || !history.getLast().equals(line))) {
            history.addLast(line);
            if (history.size() > HISTORY_SIZE) {
                history.removeFirst();
            }
        }
        splice(0, length, new int[0]);
        back = 0;
        draft = "";
        return line;
    }

    /** Drops the newest history entry: the line just submitted held something that must not be recalled. */
    public void forgetNewest() {
        if (!history.isEmpty()) {
            history.removeLast();
        }
    }

    /** Up: shows the history entry before the one shown, keeping the line being typed aside. */
    public boolean up() {
        endRuns();
        if (back == history.size()) {
            return false;
        }
        if (back == 0) {
            draft = text();
        }
        back++;
        show(history.get(history.size() - back));
        return true;
    }

    /** Down: shows the history entry after the one shown, or after the newest the line that was being typed. */
    public boolean down() {
        endRuns();
        if (back == 0) {
            return false;
        }
        back--;
        show(back == 0 ? draft : history.get(history.size() - back));
        return true;
    }

    private void show(String line) {
        splice(0, length, line.codePoints().toArray());
    }

    /**
     * Tab: completes the word before the cursor. A word that starts the line with '/' becomes a command and a space;
     * a word that starts with '@' becomes "@nick "; another word becomes a nick, followed by ": " when it starts the
     * line (addressing someone, as in IRC) and by a space elsewhere. Matching ignores case; candidates come in
     * case-insensitive order, and a further Tab cycles through them (see the class comment). With no candidate nothing
     * changes. Returns whether the line changed.
     */
    public boolean complete(Collection<String> nicks, Collection<String> commands) {
        highSurrogate = NONE;
        if (completion != null) {
            return cycle();
        }
        int start = cursor;
        while (start > 0 && !isBlank(text[start - 1])) {
            start--;
        }
        if (start == cursor) {
            return false;
        }
        String word = new String(text, start, cursor - start);
        List<String> candidates;
        if (start == 0 && word.startsWith("/")) {
            candidates = candidates(commands, word, "", " ");
        } else if (word.startsWith("@")) {
            candidates = candidates(nicks, word.substring(1), "@", " ");
        } else {
            candidates = candidates(nicks, word, "", start == 0 ? ": " : " ");
        }
        if (candidates.isEmpty() || !fits(start, candidates.getFirst())) {
            return false;
        }
        splice(start, cursor, candidates.getFirst().codePoints().toArray());
        completion = new Completion(start, candidates, 0);
        return true;
    }

    private boolean cycle() {
        List<String> candidates = completion.candidates();
        String current = candidates.get(completion.index());
        int index = (completion.index() + 1) % candidates.size();
        String next = candidates.get(index);
        if (next.equals(current) || !fits(completion.start(), next)) {
            return false;
        }
        splice(completion.start(), cursor, next.codePoints().toArray());
        completion = new Completion(completion.start(), candidates, index);
        return true;
    }

    /** Whether the line stays within its bound with {@code replacement} in place of what lies from start to cursor. */
    private boolean fits(int start, String replacement) {
        int replacementLength = replacement.codePointCount(0, replacement.length());
        return length - (cursor - start) + replacementLength <= Limits.MAX_TEXT_CODE_POINTS;
    }

    /**
     * The names that start with {@code prefix}, whatever its case, as they will stand on the line. A name the line
     * would not hold as it is (with a space, a control character) is left out.
     */
    private static List<String> candidates(Collection<String> names, String prefix, String before, String after) {
        Comparator<String> ignoringCase = Comparator.comparing(name -> name.toLowerCase(Locale.ROOT));
        TreeSet<String> matching = new TreeSet<>(ignoringCase.thenComparing(Comparator.naturalOrder()));
        for (String name : names) {
            if (name != null && !name.isEmpty() && name.regionMatches(true, 0, prefix, 0, prefix.length())
                && name.indexOf(' ') < 0 && TerminalText.sanitize(name).equals(name)) {
                matching.add(name);
            }
        }
        List<String> candidates = new ArrayList<>(matching.size());
        for (String name : matching) {
            candidates.add(before + name + after);
        }
        return candidates;
    }
}
