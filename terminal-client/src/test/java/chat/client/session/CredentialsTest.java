package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Limits;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void thePasswordIsTheFirstLineAndWhatFollowsItIsLeftUnread() throws Exception {
        InputStream in = stdin("pässwörd with spaces \r\nkeys for the screen");
        assertEquals("pässwörd with spaces ", Credentials.readPasswordLine(in).password(), "a CR LF is a line end");
        assertEquals("keys for the screen", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("last", Credentials.readPasswordLine(stdin("last")).password(), "no newline at the end");
    }

    @Test
    void noLineATooLongOneOrOneNotInUtf8IsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.readPasswordLine(stdin("")))
            .getMessage().contains("no password on standard input"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.readPasswordLine(stdin("\n")))
            .getMessage().contains("no password on standard input"));
        String endless = "x".repeat(Credentials.MAX_PASSWORD_LINE_BYTES + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.readPasswordLine(stdin(endless)))
            .getMessage().contains("longer than a password can be"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> Credentials.readPasswordLine(new ByteArrayInputStream(new byte[] {(byte) 0xff, '\n'})))
            .getMessage().contains("not UTF-8"));
    }

    @Test
    void aTokenFileHoldsOneTokenAroundWhichWhitespaceIsDropped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alice.jwt");
        Files.writeString(file, "  eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl\n");
        assertEquals("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl", Credentials.readTokenFile(file).token());

        Files.writeString(file, "two tokens");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.readTokenFile(file)).getMessage()
            .contains("does not hold one token"));
        Files.writeString(file, "x".repeat(Limits.MAX_TOKEN_LENGTH + 1));
        assertThrows(IllegalArgumentException.class, () -> Credentials.readTokenFile(file));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.readTokenFile(dir.resolve("none")))
            .getMessage().startsWith("cannot read the token file"));
    }

    @Test
    void neitherCredentialShowsInItsText() {
        assertFalse(new Credentials.Password("hunter2hunter2").toString().contains("hunter2"));
        assertFalse(new Credentials.Token("eyJhbGciOi.x.y").toString().contains("eyJ"));
    }
}
