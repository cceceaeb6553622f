package chat.client.screen;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * The Unix terminal, with characters beyond the Basic Multilingual Plane (most emoji) written whole. Lanterna's own
 * writes a string one UTF-16 unit at a time, so each half of a surrogate pair is encoded alone and comes out as
 * {@code ?}. Text reaches it only through the screen, sanitized, so a string here never carries a control character.
 */
public final class UnicodeTerminal extends UnixTerminal {
    public UnicodeTerminal(InputStream in, OutputStream out, Charset charset) throws IOException {
        super(in, out, charset, CtrlCBehaviour.TRAP);
    }

    @Override
    public void putString(String string) throws IOException {
        if (string.length() != string.codePointCount(0, string.length())) {
            writeToTerminal(string.getBytes(getCharset()));
        } else {
            super.putString(string);
        }
    }
}
