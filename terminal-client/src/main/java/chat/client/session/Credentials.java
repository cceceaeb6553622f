package chat.client.session;

import chat.protocol.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What signs a session in to its nick's account: a password or a signed token. Kept in memory for the life of the
 * process, so that a session whose resume is no longer possible signs in again on the next gateway; never written
 * anywhere, and left out of {@link #toString}, so that no log line or screen can show it. Immutable.
 */
public sealed interface Credentials {
    /** Most bytes read for a password line: every code point of the longest password at four bytes, and a CR LF. */
    int MAX_PASSWORD_LINE_BYTES = Limits.MAX_PASSWORD_CODE_POINTS * 4 + 2;

    record Password(String password) implements Credentials {
        @Override
        public String toString() {
            return "Password[(secret)]";
        }
    }

    /** A signed token (a JWT), as an identity provider issued it. */
    record Token(String token) implements Credentials {
        @Override
        public String toString() {
            return "Token[(secret)]";
        }
    }

    /**
     * The first line of {@code in}, for {@code --password-stdin}: read byte by byte, so that nothing after it is taken
     * from a stream that is also the terminal's.
     *
     * @throws IllegalArgumentException when there is no line, it is longer than a password can be, or not UTF-8
     */
    static Password readPasswordLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() == MAX_PASSWORD_LINE_BYTES) {
                throw new IllegalArgumentException("the line on standard input is longer than a password can be");
            }
            line.write(b);
        }
        String text = utf8(line.toByteArray(), "the line on standard input");
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("no password on standard input (--password-stdin reads it from there)");
        }
        return new Password(text);
    }

    /**
     * The token in {@code file}, for {@code --token-file}: its text, whitespace around it dropped.
     *
     * @throws IllegalArgumentException when the file cannot be read, or does not hold one token of at most
     *     {@link Limits#MAX_TOKEN_LENGTH} characters
     */
    static Token readTokenFile(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(Limits.MAX_TOKEN_LENGTH + 2);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + e.getMessage());
        }
        String token = utf8(bytes, "the token file " + file).strip();
        if (token.isEmpty() || token.length() > Limits.MAX_TOKEN_LENGTH
            || token.codePoints().anyMatch(cp -> cp <= ' ' || cp >= 0x7f)) {
            throw new IllegalArgumentException("the token file " + file + " does not hold one token of at most "
                + Limits.MAX_TOKEN_LENGTH + " characters");
        }
        return new Token(token);
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8 text");
        }
    }
}
