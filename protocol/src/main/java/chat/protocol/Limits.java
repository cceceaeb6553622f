package chat.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/** The protocol's fixed limits and name rules, shared by every side so that all agree on what is valid. */
public final class Limits {
    /** Longest line accepted, in bytes of UTF-8, not counting the terminating newline. */
    public static final int MAX_LINE_BYTES = 65_536;
    /**
     * Longest line a gateway sends, in bytes of UTF-8: a {@code history} frame holds up to
     * {@link #MAX_HISTORY_PAGE} messages, which can be long. Clients read lines of this size.
     */
    public static final int MAX_SERVER_LINE_BYTES = 1_048_576;
    /** Deepest JSON a line may nest, the frame's own object counted as the first level. */
    public static final int MAX_JSON_DEPTH = 1_000;
    /** Most digits a number in a line may have, those of its fraction and exponent counted. */
    public static final int MAX_NUMBER_DIGITS = 1_000;
    /** Longest name a field may have, in characters, whether the frame knows the field or not. */
    public static final int MAX_FIELD_NAME_LENGTH = 50_000;
    public static final int MAX_TEXT_CODE_POINTS = 4_000;
    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_REF_LENGTH = 128;
    public static final int MAX_SESSION_LENGTH = 128;
    public static final int PROTOCOL_VERSION = 1;
    /** Shortest password an account may be registered with, in code points. */
    public static final int MIN_PASSWORD_CODE_POINTS = 8;
    /** Longest password accepted, in code points: enough for any passphrase, short of making hashing a burden. */
    public static final int MAX_PASSWORD_CODE_POINTS = 256;
    /** Longest signed token accepted in a hello, in characters. */
    public static final int MAX_TOKEN_LENGTH = 8_192;
    /** Most messages in one page of history, whether a {@code history} frame or an answer of the history service. */
    public static final int MAX_HISTORY_PAGE = 500;
    /** Messages in a page of history when the asker names no limit, and in the replay of a {@code join} without {@code after}. */
    public static final int DEFAULT_HISTORY_PAGE = 50;

    /** Members in a page of {@code who} when the asker names no limit, and in the first page that {@code joined} lists. */
    public static final int MEMBERS_PAGE = 200;
    /** Most members in one page of {@code who}. */
    public static final int MAX_MEMBERS_PAGE = 1_000;

    /**
     * Frames a second one connection may send on average, by default: a gateway drops the frames above it
     * ({@code rate_limited}), and a client paces itself below it.
     */
    public static final int DEFAULT_FRAMES_PER_SECOND = 20;
    /** Frames one connection may send at once above its rate, by default. */
    public static final int DEFAULT_FRAME_BURST = 40;

    private static final Pattern NICK = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,19}");
    private static final Pattern ROOM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private Limits() {}

    public static boolean isValidNick(String nick) {
        return nick != null && NICK.matcher(nick).matches();
    }

    /** The nick as the cluster compares it: {@code Alice} and {@code alice} are one nick. */
    public static String foldNick(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    public static boolean isValidRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /** Why the text is refused, or null when it is acceptable message text. */
    public static String textProblem(String text) {
        if (text == null || text.isEmpty()) {
            return "text must not be empty";
        }
        int codePoints = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            codePoints++;
            if (codePoints > MAX_TEXT_CODE_POINTS) {
                return "text is longer than " + MAX_TEXT_CODE_POINTS + " code points";
            }
            if (cp != '\n' && cp != '\t' && isControl(cp)) {
                return String.format("text holds the control character U+%04X", cp);
            }
            if (Character.getType(cp) == Character.SURROGATE) {
                return "text holds a lone surrogate";
            }
        }
        return null;
    }

    /**
     * Why the message id is refused, or null when it is acceptable: 1 to {@value #MAX_ID_LENGTH} characters, none a
     * control character or half of a surrogate pair. An id is stored with its message, and a store of text holds
     * neither (PostgreSQL refuses U+0000 and has no form for a lone surrogate): the one message would stop the history
     * service's ingest, or come back with another id.
     */
    public static String idProblem(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return "id must be 1 to " + MAX_ID_LENGTH + " characters";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (isControl(c)) {
                return String.format("id holds the control character U+%04X", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "id holds a lone surrogate";
            }
        }
        return null;
    }

    /**
     * Why the password cannot be registered, or null when it can: {@value #MIN_PASSWORD_CODE_POINTS} to
     * {@value #MAX_PASSWORD_CODE_POINTS} code points, no control characters.
     */
    public static String passwordProblem(String password) {
        if (password == null) {
            return "a password is needed";
        }
        int codePoints = password.codePointCount(0, password.length());
        if (codePoints < MIN_PASSWORD_CODE_POINTS || codePoints > MAX_PASSWORD_CODE_POINTS) {
            return "a password has " + MIN_PASSWORD_CODE_POINTS + " to " + MAX_PASSWORD_CODE_POINTS + " characters";
        }
        if (password.codePoints().anyMatch(Limits::isControl)) {
            return "a password holds no control characters";
        }
        return null;
    }

    private static boolean isControl(int cp) {
        // C0, DEL and C1: the characters a terminal may act on.
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    }
}
