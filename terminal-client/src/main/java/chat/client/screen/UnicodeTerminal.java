package chat.client.screen;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The Unix terminal, with characters beyond the Basic Multilingual Plane (most emoji) written whole, and pastes
 * marked. Lanterna's own writes a string one UTF-16 unit at a time, so each half of a surrogate pair is encoded alone
 * and comes out as {@code ?}. Text reaches it only through the screen, sanitized, so a string here never carries a
 * control character. While the screen is up, the terminal is asked to mark pasted text ({@link BracketedPaste}), and
 * the marks come as keys of their own.
 */
public final class UnicodeTerminal extends UnixTerminal {
    public UnicodeTerminal(InputStream in, OutputStream out, Charset charset) throws IOException {
        super(in, out, charset, CtrlCBehaviour.TRAP);
        BracketedPaste.decodeMarks(getInputDecoder());
    }

    @Override
    public void putString(String string) throws IOException {
        if (string.length() != string.codePointCount(0, string.length())) {
            writeToTerminal(string.getBytes(getCharset()));
        } else {
            super.putString(string);
        }
    }

    @Override
    public void enterPrivateMode() throws IOException {
        super.enterPrivateMode();
        writeToTerminal(BracketedPaste.ENABLE.getBytes(StandardCharsets.US_ASCII));
        flush();
    }

    @Override
    public void exitPrivateMode() throws IOException {
        writeToTerminal(BracketedPaste.DISABLE.getBytes(StandardCharsets.US_ASCII));
        super.exitPrivateMode();
    }
}
