package chat.client.screen;

import com.googlecode.lanterna.input.CharacterPattern;
import com.googlecode.lanterna.input.InputDecoder;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;

/**
 * Bracketed paste, xterm's mode 2004, which terminals and tmux follow: once the client asks for it, the terminal
 * sends {@code ESC [200~} before pasted text and {@code ESC [201~} after it, so that a newline in the text is told
 * from the Enter key. Lanterna 3.1.3 knows neither mark (it reads {@code ESC [} as Alt+[ and the rest as typed);
 * {@link #PATTERN} decodes each into a {@link Mark}. Stateless and thread-safe.
 */
final class BracketedPaste {
    /** Asks the terminal to mark pastes. */
    static final String ENABLE = "\u001b[?2004h";
    /** Asks the terminal to stop marking pastes, as the shell after the client may not expect them. */
    static final String DISABLE = "\u001b[?2004l";

    private static final String START_SEQUENCE = "\u001b[200~";
    private static final String END_SEQUENCE = "\u001b[201~";

    /** The key Lanterna gives for a mark: the start or the end of pasted text. */
    static final class Mark extends KeyStroke {
        private final boolean start;

        private Mark(boolean start) {
            super(KeyType.Unknown);
            this.start = start;
        }

        boolean isStart() {
            return start;
        }

        @Override
        public String toString() {
            return start ? "paste start" : "paste end";
        }
    }

    static final Mark START = new Mark(true);
    static final Mark END = new Mark(false);

    /** Matches the two marks, and waits while what came so far may become one. */
    private static final CharacterPattern PATTERN = BracketedPaste::match;

    private BracketedPaste() {}

    /** Makes a terminal's decoder give the marks as {@link Mark} keys, besides the keys it knows. */
    static void decodeMarks(InputDecoder decoder) {
        decoder.addProfile(() -> List.of(PATTERN));
    }

    private static CharacterPattern.Matching match(List<Character> seq) {
        StringBuilder read = new StringBuilder(seq.size());
        seq.forEach(read::append);
        String text = read.toString();
        if (text.equals(START_SEQUENCE)) {
            return new CharacterPattern.Matching(START);
        }
        if (text.equals(END_SEQUENCE)) {
            return new CharacterPattern.Matching(END);
        }
        boolean mayBecomeOne = START_SEQUENCE.startsWith(text) || END_SEQUENCE.startsWith(text);
        return mayBecomeOne ? CharacterPattern.Matching.NOT_YET : null;
    }
}
