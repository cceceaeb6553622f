package chat.chaos;

import chat.chaos.FuzzFrames.Field;
import chat.chaos.FuzzFrames.Frame;
import chat.chaos.FuzzJson.Obj;
import chat.chaos.FuzzJson.Raw;
import chat.protocol.Limits;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The fuzz cases of one connection, one at a time: a kind picked by its weight, a frame built or broken accordingly,
 * and the answer PROTOCOL.md gives it in the session's state at that moment. Each answer follows from the
 * documentation (Errors, Limits, and the order in which fields are checked), never from the gateway's code. A seed
 * replays the same cases as long as the gateway answers them as documented. Not thread-safe: one per connection.
 */
final class FuzzCases {
    /** Lines over the limit go up to this long; the gateway stops reading at the limit, the rest is in vain. */
    private static final int LONGEST_LINE = 1 << 20;
    /** How deep the protocol lets JSON nest, the frame's own object counted (PROTOCOL.md, Errors). */
    static final int MAX_DEPTH = 1_000;
    /** How many digits an integer may have (PROTOCOL.md, Errors). */
    static final int MAX_DIGITS = 1_000;
    /** How long a field's name may be (PROTOCOL.md, Errors). */
    static final int MAX_NAME = 50_000;
    private static final Set<String> TYPES = Set.of("hello", "register", "join", "part", "say", "dm", "history", "who",
        "rooms", "received", "ping", "quit");

    private final RandomGenerator random;
    private final FuzzFrames frames;
    private final FuzzText text;
    private final int totalWeight = Arrays.stream(FuzzKind.values()).mapToInt(FuzzKind::weight).sum();

    FuzzCases(RandomGenerator random) {
        this.random = random;
        this.frames = new FuzzFrames(random);
        this.text = frames.text();
    }

    FuzzFrames frames() {
        return frames;
    }

    /** How many cases a new connection sends before its hello: 0 to 2. */
    int beforeHello() {
        return random.nextInt(3);
    }

    /** The next case, for a session in the state given. */
    FuzzCase next(FuzzSession session) {
        int roll = random.nextInt(totalWeight);
        for (FuzzKind kind : FuzzKind.values()) {
            roll -= kind.weight();
            if (roll < 0) {
                return of(kind, session);
            }
        }
        throw new IllegalStateException("weights do not add up");
    }

    FuzzCase of(FuzzKind kind, FuzzSession session) {
        FuzzCase built = switch (kind) {
            case VALID -> valid(session);
            case SPLIT_VALID -> {
                Frame f = frames.any(session);
                yield new FuzzCase(kind, f.form() + " a byte per write", line(f.json()), true, 1, f.expect());
            }
            case RANDOM_JSON -> randomJson(session);
            case TRUNCATED_JSON -> truncated(session);
            case INVALID_UTF8 -> invalidUtf8(session);
            case OVERLONG_UTF8 -> overlongUtf8(session);
            case DEEP_NESTING -> deepNesting(session);
            case HUGE_NUMBER -> hugeNumber(session);
            case LONG_STRING -> longString(session);
            case LONG_LINE -> longLine(session);
            case WRONG_TYPE -> wrongType(session);
            case BINARY_NOISE -> noise();
        };
        return built.as(kind);
    }

    // ---- valid frames ----

    private FuzzCase valid(FuzzSession session) {
        Frame f = frames.any(session);
        String before = switch (random.nextInt(8)) {
            case 0 -> "\n";
            case 1 -> "\r\n";
            case 2 -> "\n\r\n\n";
            default -> "";
        };
        boolean crlf = random.nextInt(4) == 0;
        String what = f.form() + (before.isEmpty() ? "" : " behind blank lines") + (crlf ? " ended by CRLF" : "");
        return new FuzzCase(FuzzKind.VALID, what, FuzzCase.utf8(before + f.json() + (crlf ? "\r\n" : "\n")), false, 1,
            f.expect());
    }

    // ---- JSON that is not a frame ----

    private FuzzCase randomJson(FuzzSession session) {
        String ref = frames.ref();
        return switch (random.nextInt(8)) {
            case 0 -> {
                Object value = randomValue(3);
                while (value instanceof Obj) {
                    value = randomValue(3);
                }
                yield json("a JSON " + (value == null ? "null" : value.getClass().getSimpleName().toLowerCase()),
                    FuzzJson.write(value), FuzzExpectation.error("bad_frame", null));
            }
            case 1 -> {
                Obj o = randomFields(new Obj(), random.nextInt(4));
                o.put("ref", ref);
                yield json("an object without a type", o.toString(), FuzzExpectation.error("bad_frame", ref));
            }
            case 2 -> {
                Obj o = new Obj().put("type", notText()).put("ref", ref);
                yield json("a type that is not a string", o.toString(), FuzzExpectation.error("bad_frame", ref));
            }
            case 3 -> {
                String type = random.nextBoolean() ? text.anything(1 + random.nextInt(30)) : text.nick();
                if (TYPES.contains(type)) {
                    type = type.toUpperCase();
                }
                Obj o = randomFields(new Obj().put("type", type), random.nextInt(4)).put("ref", ref);
                yield json("an unknown type", o.toString(), FuzzExpectation.error("unknown_type", ref));
            }
            case 4 -> {
                Frame f = frames.any(session);
                List<String> names = f.json().names();
                String twice = names.get(random.nextInt(names.size()));
                Object value = random.nextBoolean() ? f.json().get(twice) : randomValue(1);
                yield json(f.form() + " with " + twice + " twice", f.json().copy().put(twice, value).toString(),
                    FuzzExpectation.error("bad_frame", null));
            }
            case 5 -> {
                Frame f = frames.any(session);
                String[] after = {" {}", "x", " 1", "}", ",", " \"a\"", "[]", "]", " null", "{\"type\":\"ping\"}"};
                yield json(f.form() + " with more after it", f.json() + after[random.nextInt(after.length)],
                    FuzzExpectation.error("bad_frame", null));
            }
            case 6 -> notQuiteJson(session);
            default -> {
                String[] empty = {"{}", "[]", "\"\"", " ", "\t", "null", "0", "{\"ref\":null}"};
                String line = empty[random.nextInt(empty.length)];
                yield json("the line " + line.replace("\t", "\\t"), line, FuzzExpectation.error("bad_frame", null));
            }
        };
    }

    /** What JSON5, JavaScript or a careless hand would write: not JSON. */
    private FuzzCase notQuiteJson(FuzzSession session) {
        Frame f = frames.any(session);
        String json = f.json().toString();
        String body = json.substring(1, json.length() - 1);
        String[][] variants = {
            {"an unquoted name", "{" + body.replaceFirst("\"type\"", "type") + "}"},
            {"single quotes", "{" + body.replaceFirst("\"type\"", "'type'") + "}"},
            {"a comment", "{/* note */" + body + "}"},
            {"a line comment", "{" + body + "// note\n}"},
            {"a trailing comma", "{" + body + ",}"},
            {"NaN", "{" + body + ",\"x\":NaN}"},
            {"Infinity", "{" + body + ",\"x\":-Infinity}"},
            {"a leading zero", "{" + body + ",\"x\":007}"},
            {"a hexadecimal number", "{" + body + ",\"x\":0x1f}"},
            {"a plus sign", "{" + body + ",\"x\":+1}"},
            {"a bare fraction", "{" + body + ",\"x\":.5}"},
            {"a bare point", "{" + body + ",\"x\":1.}"},
            {"a raw control character in a string", "{" + body + ",\"x\":\"a\u0001b\"}"},
            {"a raw tab in a string", "{" + body + ",\"x\":\"a\tb\"}"},
            {"a bad escape", "{" + body + ",\"x\":\"\\q\"}"},
            {"a short unicode escape", "{" + body + ",\"x\":\"\\u12\"}"},
            {"a missing colon", "{" + body + ",\"x\" 1}"},
            {"a missing comma", "{" + body + " \"x\":1}"},
            {"an unclosed string", "{" + body + ",\"x\":\"abc}"},
            {"true in capitals", "{" + body + ",\"x\":TRUE}"},
        };
        String[] variant = variants[random.nextInt(variants.length)];
        // A line comment must not end the line: the newline in it is the end of this frame's line.
        String line = variant[1].replace("// note\n", "// note");
        return json(f.form() + " with " + variant[0], line, FuzzExpectation.error("bad_frame", null));
    }

    private FuzzCase truncated(FuzzSession session) {
        Frame f = frames.any(session);
        byte[] whole = FuzzCase.utf8(f.json().toString());
        int cut = 1 + random.nextInt(whole.length - 1);
        byte[] line = Arrays.copyOf(whole, cut + 1);
        line[cut] = '\n';
        return new FuzzCase(FuzzKind.TRUNCATED_JSON, f.form() + " cut after " + cut + " of " + whole.length + " bytes",
            line, false, 1, FuzzExpectation.error("bad_frame", null));
    }

    // ---- bytes that are not UTF-8 ----

    private static final int[][] INVALID_SEQUENCES = {
        {0x80}, {0xbf}, {0xc0}, {0xc1}, {0xf5}, {0xfe}, {0xff}, {0xc3}, {0xe2, 0x82}, {0xf0, 0x9f, 0x98},
        {0xed, 0xa0, 0x80}, {0xed, 0xbf, 0xbf}, {0xf4, 0x90, 0x80, 0x80}, {0xf8, 0x88, 0x80, 0x80, 0x80},
        {0xfc, 0x84, 0x80, 0x80, 0x80, 0x80}, {0x80, 0x80, 0x80}};

    private FuzzCase invalidUtf8(FuzzSession session) {
        Frame f = frames.any(session);
        byte[] valid = FuzzCase.utf8(f.json().toString());
        int at = asciiBoundary(valid);
        int[] sequence = INVALID_SEQUENCES[random.nextInt(INVALID_SEQUENCES.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        for (int b : sequence) {
            out.write(b);
        }
        out.write(valid, at, valid.length - at);
        out.write('\n');
        return new FuzzCase(FuzzKind.INVALID_UTF8, f.form() + " with " + hex(sequence) + " at byte " + at,
            out.toByteArray(), false, 1, FuzzExpectation.error("bad_frame", null));
    }

    /** An ASCII character of the frame written in 2, 3 or 4 bytes, as UTF-8 forbids; or a letter of two in three. */
    private FuzzCase overlongUtf8(FuzzSession session) {
        Frame f = frames.any(session);
        byte[] valid = FuzzCase.utf8(f.json().toString());
        int at = random.nextInt(valid.length);
        while (valid[at] < 0) {
            at = random.nextInt(valid.length);
        }
        int c = valid[at];
        int[] overlong = switch (random.nextInt(4)) {
            case 0 -> new int[] {0xc0 | c >> 6, 0x80 | c & 0x3f};
            case 1 -> new int[] {0xe0, 0x80 | c >> 6, 0x80 | c & 0x3f};
            case 2 -> new int[] {0xf0, 0x80, 0x80 | c >> 6, 0x80 | c & 0x3f};
            // U+00E9 (é) in three bytes instead of two, in place of the character.
            default -> new int[] {0xe0, 0x83, 0xa9};
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        for (int b : overlong) {
            out.write(b);
        }
        out.write(valid, at + 1, valid.length - at - 1);
        out.write('\n');
        String what = f.form() + " with '" + (char) c + "' as " + hex(overlong);
        return new FuzzCase(FuzzKind.OVERLONG_UTF8, what, out.toByteArray(), false, 1,
            FuzzExpectation.error("bad_frame", null));
    }

    // ---- limits of JSON ----

    private FuzzCase deepNesting(FuzzSession session) {
        Frame f = frames.any(session);
        boolean arrays = random.nextInt(3) > 0;
        // The frame's object is the first level: a value nested k deep makes 1 + k.
        int deepest = (60_000 - f.json().toString().length()) / (arrays ? 2 : 6);
        int k = switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(MAX_DEPTH - 2);
            case 1 -> MAX_DEPTH - 1;
            case 2 -> MAX_DEPTH;
            default -> MAX_DEPTH + 1 + random.nextInt(deepest - MAX_DEPTH);
        };
        boolean fits = 1 + k <= MAX_DEPTH;
        StringBuilder nested = new StringBuilder();
        for (int i = 0; i < k; i++) {
            nested.append(arrays || random.nextInt(4) == 0 ? "[" : "{\"a\":");
        }
        int opened = nested.length();
        nested.append('0');
        for (int i = opened - 1; i >= 0; i--) {
            char open = nested.charAt(i);
            if (open == '[') {
                nested.append(']');
            } else if (open == '{') {
                nested.append('}');
            }
        }
        String depth = (1 + k) + " deep";
        if (random.nextInt(10) < 7) {
            Obj o = f.json().copy().put("nest", new Raw(nested.toString()));
            return json(f.form() + " with an unknown field " + depth, o.toString(),
                fits ? f.expect() : FuzzExpectation.error("bad_frame", null));
        }
        List<Field> fields = FuzzFrames.fields(f.form());
        Field field = fields.get(random.nextInt(fields.size()));
        Obj o = f.json().copy().set(field.name(), new Raw(nested.toString()));
        String ref = field.name().equals("ref") ? null : (String) f.json().get("ref");
        return json(f.form() + " with " + field.name() + " " + depth, o.toString(),
            FuzzExpectation.error("bad_frame", fits ? ref : null));
    }

    /** A numeric field's value at or past an edge: {@code valid} says whether the protocol takes it. */
    private record NumericEdge(String form, String field, String value, boolean valid) {}

    private static final String TWO_TO_63 = "9223372036854775808";
    /** 2^64 + 1: wraps to 1 when cut to 64 bits, as a careless reader does. */
    private static final String WRAPS_TO_ONE = "18446744073709551617";
    private static final List<NumericEdge> NUMERIC_EDGES = List.of(
        new NumericEdge("hello", "version", "0", false), new NumericEdge("hello", "version", "2", false),
        new NumericEdge("hello", "version", "-1", false), new NumericEdge("hello", "version", "1.0", false),
        new NumericEdge("hello", "version", "1e0", false), new NumericEdge("hello", "version", "-0", false),
        new NumericEdge("hello", "version", TWO_TO_63, false), new NumericEdge("hello", "version", WRAPS_TO_ONE, false),
        new NumericEdge("hello", "version", "1" + "0".repeat(30), false),
        new NumericEdge("join", "after", "-1", true), new NumericEdge("join", "after", "-0", true),
        new NumericEdge("join", "after", Long.toString(Long.MAX_VALUE), true),
        new NumericEdge("join", "after", "-2", false), new NumericEdge("join", "after", TWO_TO_63, false),
        new NumericEdge("join", "after", WRAPS_TO_ONE, false), new NumericEdge("join", "after", "1.5", false),
        new NumericEdge("join", "after", "1e3", false), new NumericEdge("join", "after", "-" + TWO_TO_63 + "1", false),
        new NumericEdge("history", "before", "0", true),
        new NumericEdge("history", "before", Long.toString(Long.MAX_VALUE), true),
        new NumericEdge("history", "before", "-1", false), new NumericEdge("history", "before", TWO_TO_63, false),
        new NumericEdge("history", "before", WRAPS_TO_ONE, false), new NumericEdge("history", "before", "0.0", false),
        new NumericEdge("history", "limit", "1", true), new NumericEdge("history", "limit", "500", true),
        new NumericEdge("history", "limit", "0", false), new NumericEdge("history", "limit", "501", false),
        new NumericEdge("history", "limit", "-1", false), new NumericEdge("history", "limit", "4294967297", false),
        new NumericEdge("history", "limit", WRAPS_TO_ONE, false), new NumericEdge("history", "limit", "100.0", false),
        new NumericEdge("history", "limit", "1e2", false),
        new NumericEdge("history-with", "limit", WRAPS_TO_ONE, false),
        new NumericEdge("history-with", "before", "-1", false),
        new NumericEdge("who", "limit", "1", true), new NumericEdge("who", "limit", "1000", true),
        new NumericEdge("who", "limit", "0", false), new NumericEdge("who", "limit", "1001", false),
        new NumericEdge("who", "limit", WRAPS_TO_ONE, false), new NumericEdge("who", "limit", "18446744073709552616", false));

    private FuzzCase hugeNumber(FuzzSession session) {
        if (random.nextBoolean()) {
            // An unknown field is ignored, whatever number it holds, unless the number has too many digits to read.
            Frame f = frames.any(session);
            int digits = switch (random.nextInt(4)) {
                case 0 -> 3 + random.nextInt(MAX_DIGITS - 3);
                case 1 -> MAX_DIGITS;
                case 2 -> MAX_DIGITS + 1;
                default -> MAX_DIGITS + 1 + random.nextInt(50_000);
            };
            String number = numberOfDigits(digits);
            Obj o = f.json().copy().put("big", new Raw(number));
            return json(f.form() + " with an unknown number of " + digits + " digits (" + shape(number) + ")",
                o.toString(), digits <= MAX_DIGITS ? f.expect() : FuzzExpectation.error("bad_frame", null));
        }
        NumericEdge edge = NUMERIC_EDGES.get(random.nextInt(NUMERIC_EDGES.size()));
        // No edge of a hello is valid, so none opens a session before the welcome.
        Frame f = frames.of(edge.form(), session);
        Obj o = f.json().copy().set(edge.field(), new Raw(edge.value()));
        return json(edge.form() + " with " + edge.field() + " " + edge.value(), o.toString(),
            edge.valid() ? f.expect() : FuzzExpectation.error("bad_frame", (String) f.json().get("ref")));
    }

    /**
     * A number of exactly {@code digits} digits, counting those of its fraction and exponent: an integer, a fraction,
     * or a number with an exponent, with or without a sign.
     */
    private String numberOfDigits(int digits) {
        String sign = random.nextInt(4) == 0 ? "-" : "";
        return switch (random.nextInt(3)) {
            case 0 -> sign + (1 + random.nextInt(9)) + digits(digits - 1);
            case 1 -> {
                int whole = 1 + random.nextInt(digits - 1);
                yield sign + (1 + random.nextInt(9)) + digits(whole - 1) + "." + digits(digits - whole);
            }
            default -> {
                int exponent = 1 + random.nextInt(Math.min(9, digits - 1));
                yield sign + (1 + random.nextInt(9)) + digits(digits - exponent - 1) + (random.nextBoolean() ? "e" : "E-")
                    + (1 + random.nextInt(9)) + digits(exponent - 1);
            }
        };
    }

    private static String shape(String number) {
        return number.contains("e") || number.contains("E") ? "with an exponent"
            : number.contains(".") ? "a fraction" : "an integer";
    }

    // ---- strings ----

    private FuzzCase longString(FuzzSession session) {
        int roll = random.nextInt(13);
        if (roll == 0) {
            return textField(session);
        }
        if (roll == 1) {
            return nickField(session);
        }
        if (roll == 2) {
            return roomField(session);
        }
        if (roll == 3) {
            return idField(session);
        }
        if (roll == 4) {
            return refField(session);
        }
        if (roll == 5) {
            return helloField(session);
        }
        if (roll == 6) {
            Frame f = frames.of("register", session);
            String password = switch (random.nextInt(3)) {
                case 0 -> text.token(Limits.MIN_PASSWORD_CODE_POINTS - 1);
                case 1 -> text.token(Limits.MAX_PASSWORD_CODE_POINTS + 1);
                default -> text.token(100) + "\u007f" + text.token(100);
            };
            Obj o = f.json().copy().set("password", password);
            return json("register with a password of " + password.length() + " characters", o.toString(), f.expect());
        }
        if (roll == 7) {
            String ref = frames.ref();
            String type = switch (random.nextInt(4)) {
                case 0 -> text.token(1_000 + random.nextInt(59_000));
                case 1 -> "";
                case 2 -> "PING";
                default -> " ping";
            };
            Obj o = new Obj().put("type", type).put("ref", ref);
            return json("a type of " + type.length() + " characters", o.toString(), FuzzExpectation.error("unknown_type", ref));
        }
        if (roll < 10) {
            Frame f = frames.any(session);
            String value = random.nextBoolean() ? text.token(1_000 + random.nextInt(60_000)) : text.anything(1 + random.nextInt(8_000));
            Obj o = f.json().copy().put("pad", value);
            return json(f.form() + " with an unknown field of " + value.length() + " characters", o.toString(), f.expect());
        }
        Frame f = frames.any(session);
        int length = switch (random.nextInt(3)) {
            case 0 -> 1 + random.nextInt(MAX_NAME);
            case 1 -> MAX_NAME;
            default -> MAX_NAME + 1 + random.nextInt(10_000);
        };
        Obj o = f.json().copy().put(text.token(length), Boolean.TRUE);
        return json(f.form() + " with a field name of " + length + " characters", o.toString(),
            length <= MAX_NAME ? f.expect() : FuzzExpectation.error("bad_frame", null));
    }

    /** A say's or a dm's text at and past its rules (PROTOCOL.md, say). */
    private FuzzCase textField(FuzzSession session) {
        Frame f = frames.of(random.nextBoolean() ? "say" : "dm", session);
        String ref = (String) f.json().get("ref");
        String said;
        boolean valid;
        switch (random.nextInt(8)) {
            case 0 -> { said = text.message(Limits.MAX_TEXT_CODE_POINTS); valid = true; }
            case 1 -> { said = text.message(Limits.MAX_TEXT_CODE_POINTS + 1); valid = false; }
            case 2 -> { said = ""; valid = false; }
            case 3 -> { said = "bell \u0007"; valid = false; }
            case 4 -> { said = "csi \u009b31m"; valid = false; }
            case 5 -> { said = "delete \u007f"; valid = false; }
            case 6 -> { said = "half \ud83d of an emoji"; valid = false; }
            default -> { said = "tab\tand\nnewline"; valid = true; }
        }
        Obj o = f.json().copy().set("text", said);
        // The answer to a valid one names the text: its expectation is built again around it.
        return json(f.form() + " with text of " + said.codePointCount(0, said.length()) + " code points", o.toString(),
            valid ? messageAnswer(f.form(), session, o) : FuzzExpectation.error("bad_text", ref));
    }

    /** A nick in a hello, a dm, a history or a who that breaks the nick rule. */
    private FuzzCase nickField(FuzzSession session) {
        String[][] places = {{"hello", "nick"}, {"dm", "to"}, {"history-with", "with"}, {"who", "after"}};
        String[] place = places[random.nextInt(places.length)];
        Frame f = frames.of(place[0], session);
        String nick = switch (random.nextInt(5)) {
            case 0 -> text.nick(21 + random.nextInt(100));
            case 1 -> "";
            case 2 -> "9lives";
            case 3 -> "two words";
            default -> "caf\u00e9";
        };
        Obj o = f.json().copy().set(place[1], nick);
        return json(place[0] + " with " + place[1] + " '" + nick + "'", o.toString(),
            FuzzExpectation.error("bad_nick", (String) f.json().get("ref")));
    }

    /** A room name that breaks the room rule; or one of 32 characters, the longest, which a who or history takes. */
    private FuzzCase roomField(FuzzSession session) {
        String[] forms = {"join", "part", "say", "who", "history"};
        Frame f = frames.of(forms[random.nextInt(forms.length)], session);
        String ref = (String) f.json().get("ref");
        if (random.nextInt(5) == 0 && (f.form().equals("who") || f.form().equals("history"))) {
            Obj o = f.json().copy().set("room", text.room(32));
            return json(f.form() + " of a room of 32 characters", o.toString(), f.expect());
        }
        String room = switch (random.nextInt(5)) {
            case 0 -> text.room(33 + random.nextInt(100));
            case 1 -> "";
            case 2 -> "Lobby";
            case 3 -> "-lobby";
            default -> "lobby!";
        };
        Obj o = f.json().copy().set("room", room);
        return json(f.form() + " of room '" + room + "'", o.toString(), FuzzExpectation.error("bad_room", ref));
    }

    /**
     * A message id at and past 128 characters, empty, of any script, or holding what an id may not (a control
     * character, half of a surrogate pair).
     */
    private FuzzCase idField(FuzzSession session) {
        Frame f = frames.of(random.nextBoolean() ? "say" : "dm", session);
        String ref = (String) f.json().get("ref");
        String id = switch (random.nextInt(5)) {
            case 0 -> text.token(Limits.MAX_ID_LENGTH);
            case 1 -> text.token(Limits.MAX_ID_LENGTH + 1 + random.nextInt(1_000));
            case 2 -> "";
            case 3 -> frames.id() + text.message(1 + random.nextInt(20)).replace('\n', '.').replace('\t', '.');
            default -> frames.id() + text.anything(1 + random.nextInt(20));
        };
        Obj o = f.json().copy().set("id", id);
        String what = f.form() + " with an id of " + id.length() + " characters";
        return json(what, o.toString(), idAllowed(id) ? messageAnswer(f.form(), session, o)
            : FuzzExpectation.error("bad_frame", ref));
    }

    /** PROTOCOL.md, say: 1 to 128 characters, none of them a control character or half of a surrogate pair. */
    private static boolean idAllowed(String id) {
        if (id.isEmpty() || id.length() > Limits.MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The answer to a valid say or dm whose fields are {@code o}'s, in the session's state. */
    private static FuzzExpectation messageAnswer(String form, FuzzSession session, Obj o) {
        String ref = (String) o.get("ref");
        String said = (String) o.get("text");
        String id = (String) o.get("id");
        if (!session.welcomed()) {
            return FuzzExpectation.error("hello_first", ref);
        }
        if (form.equals("say")) {
            boolean own = session.room().equals(o.get("room"));
            return own && session.member() ? FuzzExpectation.said(session.room(), session.nick(), said, id, ref)
                : FuzzExpectation.error("not_member", ref);
        }
        String to = (String) o.get("to");
        return to.equals(session.nick()) ? FuzzExpectation.sentDm(session.nick(), to, said, id, ref)
            : FuzzExpectation.error("no_such_nick", ref);
    }

    /** A ref at and past 128 characters, or of characters JSON must escape: the answer echoes a valid one exactly. */
    private FuzzCase refField(FuzzSession session) {
        String ref = switch (random.nextInt(4)) {
            case 0 -> text.token(Limits.MAX_REF_LENGTH);
            case 1 -> text.token(Limits.MAX_REF_LENGTH + 1 + random.nextInt(1_000));
            case 2 -> "";
            default -> "r" + text.anything(1 + random.nextInt(Limits.MAX_REF_LENGTH - 1));
        };
        boolean valid = ref.length() <= Limits.MAX_REF_LENGTH;
        Frame f = frames.of(frames.form(session), session, ref);
        return json(f.form() + " with a ref of " + ref.length() + " characters", f.json().toString(),
            valid ? f.expect() : FuzzExpectation.error("bad_frame", null));
    }

    /** A hello's session, password or token past its length, or a password and a token both. */
    private FuzzCase helloField(FuzzSession session) {
        Frame f = frames.of("hello", session);
        String ref = (String) f.json().get("ref");
        Obj o = f.json().copy().remove("session").remove("password").remove("token");
        String what;
        boolean valid = false;
        switch (random.nextInt(5)) {
            case 0 -> { o.put("session", text.token(Limits.MAX_SESSION_LENGTH + 1)); what = "a session of 129 characters"; }
            case 1 -> { o.put("password", text.token(513)); what = "a password of 513 characters"; }
            case 2 -> { o.put("token", text.token(Limits.MAX_TOKEN_LENGTH + 1)); what = "a token of 8,193 characters"; }
            case 3 -> { o.put("password", text.token(8)).put("token", text.token(30)); what = "a password and a token"; }
            default -> {
                o.put("password", text.token(512));
                what = "a password of 512 characters";
                valid = true;
            }
        }
        // Before the welcome, even the valid one is a hello with a field past its limit: use the session limit instead.
        if (valid && !session.welcomed()) {
            o.remove("password").put("session", text.token(Limits.MAX_SESSION_LENGTH + 1));
            what = "a session of 129 characters";
            valid = false;
        }
        return json("hello with " + what, o.toString(), valid ? f.expect() : FuzzExpectation.error("bad_frame", ref));
    }

    private FuzzCase longLine(FuzzSession session) {
        Frame f = frames.any(session);
        String json = f.json().toString();
        // The padding field adds ,"pad":"..." : 9 bytes and the padding.
        int room = Limits.MAX_LINE_BYTES - FuzzCase.utf8(json).length - 9;
        boolean crlf = random.nextBoolean();
        String end = crlf ? "\r\n" : "\n";
        switch (random.nextInt(4)) {
            case 0 -> {
                Obj o = f.json().copy().put("pad", "x".repeat(room));
                return new FuzzCase(FuzzKind.LONG_LINE, f.form() + " of exactly 65,536 bytes" + (crlf ? " and CRLF" : ""),
                    FuzzCase.utf8(o + end), false, 1, f.expect());
            }
            case 1 -> {
                Obj o = f.json().copy().put("pad", "x".repeat(room + 1));
                return new FuzzCase(FuzzKind.LONG_LINE, f.form() + " of 65,537 bytes" + (crlf ? " and CRLF" : ""),
                    FuzzCase.utf8(o + end), false, 1, FuzzExpectation.frameTooLarge());
            }
            case 2 -> {
                int length = Limits.MAX_LINE_BYTES + 2 + random.nextInt(LONGEST_LINE - Limits.MAX_LINE_BYTES);
                Obj o = f.json().copy().put("pad", "x".repeat(room + length - Limits.MAX_LINE_BYTES));
                return new FuzzCase(FuzzKind.LONG_LINE, f.form() + " of " + length + " bytes", FuzzCase.utf8(o + end), false,
                    1, FuzzExpectation.frameTooLarge());
            }
            default -> {
                byte[] noise = noiseLine(Limits.MAX_LINE_BYTES + 1 + random.nextInt(LONGEST_LINE - Limits.MAX_LINE_BYTES));
                return new FuzzCase(FuzzKind.LONG_LINE, "noise of " + noise.length + " bytes and no newline", noise, false,
                    1, FuzzExpectation.frameTooLarge());
            }
        }
    }

    // ---- wrong kinds ----

    private FuzzCase wrongType(FuzzSession session) {
        String form = FuzzFrames.FORMS.get(random.nextInt(FuzzFrames.FORMS.size()));
        Frame f = frames.of(form, session);
        String ref = (String) f.json().get("ref");
        List<Field> fields = FuzzFrames.fields(form);
        Field field = fields.get(random.nextInt(fields.size()));
        Object wrong = field.holds() == FuzzFrames.Holds.TEXT ? notText() : notInteger();
        // A valid hello before the welcome would open the session: a null there stays a wrong kind instead.
        while (wrong == null && form.equals("hello") && !session.welcomed() && field.optional()) {
            wrong = notText();
        }
        Obj o = f.json().copy().set(field.name(), wrong);
        String what = form + " with " + field.name() + " " + FuzzJson.write(wrong);
        FuzzExpectation expect;
        if (wrong == null && field.optional()) {
            // Null is as good as absent.
            expect = field.name().equals("ref") ? f.expect().withoutRef() : f.expect();
        } else {
            expect = FuzzExpectation.error("bad_frame", field.name().equals("ref") ? null : ref);
        }
        return json(what, o.toString(), expect);
    }

    /** A value that is not a string: null among them. */
    private Object notText() {
        return switch (random.nextInt(9)) {
            case 0 -> FuzzJson.number(random.nextInt(1_000));
            case 1 -> new Raw("1.5");
            case 2 -> Boolean.TRUE;
            case 3 -> Boolean.FALSE;
            case 4 -> null;
            case 5 -> List.of();
            case 6 -> List.of("x");
            case 7 -> new Obj();
            default -> new Obj().put("a", "b");
        };
    }

    /** A value that is not an integer: null among them. */
    private Object notInteger() {
        return switch (random.nextInt(8)) {
            case 0 -> "1";
            case 1 -> "";
            case 2 -> new Raw("1.5");
            case 3 -> Boolean.TRUE;
            case 4 -> null;
            case 5 -> List.of(FuzzJson.number(1));
            case 6 -> new Obj();
            default -> new Raw("2.0");
        };
    }

    // ---- noise ----

    private FuzzCase noise() {
        int lines = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            int length = random.nextInt(10) == 0 ? 1 + random.nextInt(8_192) : 1 + random.nextInt(200);
            out.writeBytes(noiseLine(length));
            out.write('\n');
        }
        return new FuzzCase(FuzzKind.BINARY_NOISE, lines + (lines == 1 ? " line" : " lines") + " of random bytes",
            out.toByteArray(), false, lines, FuzzExpectation.errors("bad_frame", lines));
    }

    /**
     * Random bytes without a newline, and without an opening brace, so no line of them is a JSON object: whatever else
     * they are, the answer is bad_frame. Never a lone carriage return, which is a blank line.
     */
    private byte[] noiseLine(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n' || bytes[i] == '{') {
                bytes[i] = (byte) 0xff;
            }
        }
        if (bytes[length - 1] == '\r') {
            bytes[length - 1] = 'x';
        }
        return bytes;
    }

    // ---- helpers ----

    /**
     * A case of one line of JSON text; {@link #of} gives it the kind it was built for. A line that came out longer than
     * the limit (a long text and long padding together) gets frame_too_large, whatever it holds.
     */
    private static FuzzCase json(String what, String json, FuzzExpectation expect) {
        byte[] line = line(json);
        boolean tooLong = line.length - 1 > Limits.MAX_LINE_BYTES;
        return new FuzzCase(FuzzKind.VALID, what + (tooLong ? ", over the line limit" : ""), line, false, 1,
            tooLong ? FuzzExpectation.frameTooLarge() : expect);
    }

    private static byte[] line(Object json) {
        return FuzzCase.utf8(json + "\n");
    }

    /** Adds {@code count} fields of random values, each under a name of its own: a name given twice is not JSON. */
    private Obj randomFields(Obj o, int count) {
        for (int i = 0; i < count; i++) {
            o.put("x" + i + text.token(1 + random.nextInt(8)), randomValue(2));
        }
        return o;
    }

    private Object randomValue(int depth) {
        int roll = random.nextInt(depth > 0 ? 8 : 6);
        return switch (roll) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> FuzzJson.number(random.nextLong());
            case 3 -> new Raw(Double.toString(random.nextGaussian() * 1e6));
            case 4, 5 -> text.anything(random.nextInt(40));
            case 6 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(depth - 1));
                }
                yield list;
            }
            default -> {
                Obj o = new Obj();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.put(i + text.token(random.nextInt(6)), randomValue(depth - 1));
                }
                yield o;
            }
        };
    }

    private String digits(int count) {
        StringBuilder out = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            out.append((char) ('0' + random.nextInt(10)));
        }
        return out.toString();
    }

    /** A position between two ASCII bytes (or at an end), where inserted bytes cannot complete a character. */
    private int asciiBoundary(byte[] bytes) {
        while (true) {
            int at = random.nextInt(bytes.length + 1);
            if ((at == 0 || bytes[at - 1] >= 0) && (at == bytes.length || bytes[at] >= 0)) {
                return at;
            }
        }
    }

    private static String hex(int[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int b : bytes) {
            out.append(String.format("%02X ", b));
        }
        return out.toString().trim();
    }
}
