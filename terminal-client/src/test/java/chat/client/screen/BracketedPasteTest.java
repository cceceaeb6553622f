package chat.client.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.googlecode.lanterna.input.DefaultKeyDecodingProfile;
import com.googlecode.lanterna.input.InputDecoder;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What Lanterna makes of the bytes a terminal sends, with the client's decoder: the bytes are those tmux 3 sent to the
 * client for these keys, read from its terminal (Enter and Ctrl+J both come as a newline once the terminal turns the
 * carriage return into one, as Lanterna leaves it to).
 */
class BracketedPasteTest {

    private static List<String> keysOf(String bytes) throws IOException {
        InputDecoder decoder = new InputDecoder(new StringReader(bytes));
        decoder.addProfile(new DefaultKeyDecodingProfile());
        BracketedPaste.decodeMarks(decoder);
        List<String> keys = new ArrayList<>();
        for (KeyStroke key = decoder.getNextCharacter(false); key != null && key.getKeyType() != KeyType.EOF;
             key = decoder.getNextCharacter(false)) {
            keys.add(nameOf(key));
        }
        return keys;
    }

    private static String nameOf(KeyStroke key) {
        if (key instanceof BracketedPaste.Mark) {
            return key.toString();
        }
        if (key.getKeyType() != KeyType.Character) {
            return key.getKeyType().name();
        }
        return (key.isCtrlDown() ? "Ctrl+" : "") + (key.isAltDown() ? "Alt+" : "") + key.getCharacter();
    }

    @Test
    void thePasteMarksComeAsKeysOfTheirOwnAroundThePastedText() throws IOException {
        assertEquals(List.of("a", "paste start", "l", "1", "Enter", "l", "2", "paste end", "b"),
            keysOf("a\u001b[200~l1\nl2\u001b[201~b"));
    }

    @Test
    void altEnterComesAsCtrlAltJAndStaysApartFromEnterAndTheEscapeKey() throws IOException {
        assertEquals(List.of("Ctrl+Alt+j", "Enter", "Enter"), keysOf("\u001b\n\n\n"),
            "Alt+Enter, then Enter and Ctrl+J, which are one byte");
        assertEquals(List.of("Alt+[", "x"), keysOf("\u001b[x"), "what only begins like a mark is what it was before");
        assertEquals(List.of("ArrowUp", "Alt+x", "Escape"), keysOf("\u001b[A\u001bx\u001b"));
    }
}
