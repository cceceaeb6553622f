package chat.chaos;

import java.util.random.RandomGenerator;

/**
 * Random text for fuzz frames: valid nicks, rooms and message text of every script (emoji and other characters beyond
 * the Basic Multilingual Plane included), and strings of any character for fields that take anything. Not
 * thread-safe: one per connection.
 */
final class FuzzText {
    private static final String NICK_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String NICK_REST = NICK_FIRST + "0123456789_-";
    private static final String ROOM_FIRST = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ROOM_REST = ROOM_FIRST + "_-";
    /** Ranges of code points that message text may hold: printable ASCII, Latin, Greek, Cyrillic, CJK, emoji. */
    private static final int[][] TEXT_RANGES = {
        {0x20, 0x7e}, {0xa0, 0x17f}, {0x300, 0x36f}, {0x391, 0x3c9}, {0x410, 0x44f}, {0x4e00, 0x9fff},
        {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}};

    private final RandomGenerator random;

    FuzzText(RandomGenerator random) {
        this.random = random;
    }

    /** A valid nick of 1 to 20 characters. */
    String nick() {
        return nick(1 + random.nextInt(20));
    }

    String nick(int length) {
        StringBuilder out = new StringBuilder().append(pick(NICK_FIRST));
        while (out.length() < length) {
            out.append(pick(NICK_REST));
        }
        return out.toString();
    }

    /** A valid room name of 1 to 32 characters. */
    String room() {
        return room(1 + random.nextInt(32));
    }

    String room(int length) {
        StringBuilder out = new StringBuilder().append(pick(ROOM_FIRST));
        while (out.length() < length) {
            out.append(pick(ROOM_REST));
        }
        return out.toString();
    }

    /** Letters and digits, as a session token or a signed token might look. */
    String token(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(pick(NICK_REST));
        }
        return out.toString();
    }

    /** A password a register refuses: too short, too long, or holding a control character. */
    String badPassword() {
        return switch (random.nextInt(3)) {
            case 0 -> message(1 + random.nextInt(7)).replace('\n', 'x').replace('\t', 'x');
            case 1 -> token(257 + random.nextInt(200));
            default -> token(4 + random.nextInt(10)) + (char) random.nextInt(0x20) + token(4 + random.nextInt(10));
        };
    }

    /** A password a hello may carry: printable, no control characters. */
    String password(int length) {
        return token(length);
    }

    /**
     * Valid message text of {@code codePoints} code points: every script above, now and then a newline or a tab
     * (allowed), never another control character or a lone surrogate.
     */
    String message(int codePoints) {
        StringBuilder out = new StringBuilder(codePoints);
        for (int i = 0; i < codePoints; i++) {
            int roll = random.nextInt(100);
            if (roll == 0 && i > 0) {
                out.append('\n');
            } else if (roll == 1) {
                out.append('\t');
            } else {
                int[] range = TEXT_RANGES[roll < 60 ? 0 : random.nextInt(TEXT_RANGES.length)];
                out.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
            }
        }
        return out.toString();
    }

    /**
     * A string of any UTF-16 units at all, {@code length} of them: control characters, lone surrogates and the rest,
     * which the fuzzer's JSON writer escapes where JSON requires.
     */
    String anything(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int roll = random.nextInt(10);
            if (roll == 0) {
                out.append((char) random.nextInt(0x20));
            } else if (roll == 1) {
                out.append((char) (0xd800 + random.nextInt(0x800)));
            } else if (roll < 5) {
                out.append((char) (0x20 + random.nextInt(0x5f)));
            } else {
                out.append((char) (0xa0 + random.nextInt(0xd800 - 0xa0)));
            }
        }
        return out.toString();
    }

    private char pick(String from) {
        return from.charAt(random.nextInt(from.length()));
    }
}
