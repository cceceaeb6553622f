package chat.chaos;

import chat.chaos.FuzzJson.Obj;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Valid client frames of every type, each with the answer PROTOCOL.md gives it in the session's state, and the fields
 * each type has, for the mutations that break one. What comes out is decided by the random generator given, so a seed
 * replays it. Not thread-safe: one per connection.
 */
final class FuzzFrames {
    /** The kinds of value a field of a client frame holds. */
    enum Holds { TEXT, INTEGER }

    /**
     * A field of a client frame. {@code optional}: null counts as absent. {@code oneOf}: one of a pair of which exactly
     * one must be given (a history's room or with): null counts as absent, which leaves neither.
     */
    record Field(String name, Holds holds, boolean optional) {}

    /** A frame to send: its fields, what it is, and the answer its valid form gets. */
    record Frame(String form, Obj json, FuzzExpectation expect) {
        String type() {
            return (String) json.get("type");
        }
    }

    /** Every form of client frame; a history asks of a room or of a conversation. */
    static final List<String> FORMS = List.of("hello", "register", "join", "part", "say", "dm", "history",
        "history-with", "who", "rooms", "received", "ping", "quit");

    private static final Field TYPE = new Field("type", Holds.TEXT, false);
    private static final Field REF = new Field("ref", Holds.TEXT, true);
    private static final Map<String, List<Field>> FIELDS = Map.ofEntries(
        Map.entry("hello", List.of(TYPE, REF, new Field("nick", Holds.TEXT, false),
            new Field("version", Holds.INTEGER, false), new Field("session", Holds.TEXT, true),
            new Field("password", Holds.TEXT, true), new Field("token", Holds.TEXT, true))),
        Map.entry("register", List.of(TYPE, REF, new Field("password", Holds.TEXT, false))),
        Map.entry("join", List.of(TYPE, REF, new Field("room", Holds.TEXT, false), new Field("after", Holds.INTEGER, true))),
        Map.entry("part", List.of(TYPE, REF, new Field("room", Holds.TEXT, false))),
        Map.entry("say", List.of(TYPE, REF, new Field("room", Holds.TEXT, false), new Field("text", Holds.TEXT, false),
            new Field("id", Holds.TEXT, false))),
        Map.entry("dm", List.of(TYPE, REF, new Field("to", Holds.TEXT, false), new Field("text", Holds.TEXT, false),
            new Field("id", Holds.TEXT, false))),
        Map.entry("history", List.of(TYPE, REF, new Field("room", Holds.TEXT, false),
            new Field("before", Holds.INTEGER, true), new Field("limit", Holds.INTEGER, true))),
        Map.entry("history-with", List.of(TYPE, REF, new Field("with", Holds.TEXT, false),
            new Field("before", Holds.INTEGER, true), new Field("limit", Holds.INTEGER, true))),
        Map.entry("who", List.of(TYPE, REF, new Field("room", Holds.TEXT, false), new Field("after", Holds.TEXT, true),
            new Field("limit", Holds.INTEGER, true))),
        Map.entry("rooms", List.of(TYPE, REF)),
        Map.entry("received", List.of(TYPE, REF, new Field("with", Holds.TEXT, false),
            new Field("through", Holds.INTEGER, false))),
        Map.entry("ping", List.of(TYPE, REF)),
        Map.entry("quit", List.of(TYPE, REF)));

    /** A room no fuzz session joins: parting it or saying in it is not_member. */
    static final String STRANGERS_ROOM = "fz-nobody-here";

    private final RandomGenerator random;
    private final FuzzText text;
    private int serial;

    FuzzFrames(RandomGenerator random) {
        this.random = random;
        this.text = new FuzzText(random);
    }

    FuzzText text() {
        return text;
    }

    static List<Field> fields(String form) {
        return FIELDS.get(form);
    }

    /** A fresh ref: the gateway's answer must echo it. */
    String ref() {
        return "r" + (++serial);
    }

    /** A fresh message id, unique in the connection. */
    String id() {
        return "m" + (++serial) + "-" + random.nextInt(1_000_000);
    }

    /** A valid frame of a form picked at random ({@link #form}), and the answer it gets in the session's state. */
    Frame any(FuzzSession session) {
        return of(form(session), session);
    }

    /**
     * A form picked at random. Before the welcome, no hello: the connection's own hello opens the session. Quits and
     * parts are rare, as they cost a reconnect or a join.
     */
    String form(FuzzSession session) {
        int roll = random.nextInt(100);
        if (roll < 1) {
            return "quit";
        } else if (roll < 4) {
            return "part";
        } else if (roll < 14) {
            return "join";
        } else if (roll < 30) {
            return "say";
        }
        List<String> others = session.welcomed()
            ? List.of("hello", "register", "dm", "history", "history-with", "who", "rooms", "received", "ping")
            : List.of("register", "dm", "history", "history-with", "who", "rooms", "received", "ping");
        return others.get(random.nextInt(others.size()));
    }

    /** A valid frame of {@code form} (for a hello, only once the session is welcomed), with a ref. */
    Frame of(String form, FuzzSession session) {
        return of(form, session, ref());
    }

    Frame of(String form, FuzzSession session, String ref) {
        Obj o = new Obj().put("type", form.equals("history-with") ? "history" : form);
        FuzzExpectation expect;
        boolean welcomed = session.welcomed();
        switch (form) {
            case "hello" -> {
                o.put("nick", text.nick()).put("version", FuzzJson.number(1));
                int credentials = random.nextInt(4);
                if (credentials == 1) {
                    o.put("session", text.token(22));
                } else if (credentials == 2) {
                    o.put("password", text.password(8 + random.nextInt(30)));
                } else if (credentials == 3) {
                    o.put("token", text.token(40 + random.nextInt(200)));
                }
                expect = FuzzExpectation.error("hello_first", ref);
            }
            case "register" -> {
                // Never a password that would register: hashing one costs the gateway real work, and what is fuzzed is
                // the frame. Too short, too long, or holding a control character: bad_password, before hello_first.
                o.put("password", text.badPassword());
                expect = FuzzExpectation.error("bad_password", ref);
            }
            case "join" -> {
                o.put("room", session.room());
                if (random.nextInt(3) == 0) {
                    o.put("after", FuzzJson.number(random.nextBoolean() ? -1 : random.nextInt(1_000_000)));
                }
                expect = welcomed ? FuzzExpectation.joined(session.room(), ref) : helloFirst(ref);
            }
            case "part" -> {
                boolean own = random.nextInt(10) < 7;
                o.put("room", own ? session.room() : STRANGERS_ROOM);
                expect = !welcomed ? helloFirst(ref)
                    : own && session.member() ? FuzzExpectation.parted(session.room(), ref)
                    : FuzzExpectation.error("not_member", ref);
            }
            case "say" -> {
                boolean own = random.nextInt(10) < 9;
                String room = own ? session.room() : STRANGERS_ROOM;
                String said = text.message(1 + random.nextInt(random.nextInt(10) == 0 ? 4_000 : 200));
                String id = id();
                o.put("room", room).put("text", said).put("id", id);
                expect = !welcomed ? helloFirst(ref)
                    : own && session.member() ? FuzzExpectation.said(room, session.nick(), said, id, ref)
                    : FuzzExpectation.error("not_member", ref);
            }
            case "dm" -> {
                // To itself (the session holds the nick), or to a nick that nobody holds and no account has.
                boolean toSelf = random.nextInt(10) < 7;
                String to = toSelf ? session.nick() : "Nobody" + random.nextInt(1_000_000);
                String said = text.message(1 + random.nextInt(200));
                String id = id();
                o.put("to", to).put("text", said).put("id", id);
                expect = !welcomed ? helloFirst(ref)
                    : toSelf ? FuzzExpectation.sentDm(session.nick(), to, said, id, ref)
                    : FuzzExpectation.error("no_such_nick", ref);
            }
            case "history", "history-with" -> {
                if (form.equals("history")) {
                    o.put("room", random.nextBoolean() ? session.room() : text.room());
                } else {
                    o.put("with", text.nick());
                }
                if (random.nextInt(3) == 0) {
                    o.put("before", FuzzJson.number(random.nextInt(1_000_000)));
                }
                if (random.nextInt(3) == 0) {
                    o.put("limit", FuzzJson.number(1 + random.nextInt(500)));
                }
                // A guest's history of a conversation is auth_required: the fuzz sessions are guests.
                expect = !welcomed ? helloFirst(ref) : form.equals("history")
                    ? FuzzExpectation.answer("history", ref) : FuzzExpectation.error("auth_required", ref);
            }
            case "who" -> {
                o.put("room", random.nextBoolean() ? session.room() : text.room());
                if (random.nextInt(3) == 0) {
                    o.put("after", text.nick());
                }
                if (random.nextInt(3) == 0) {
                    o.put("limit", FuzzJson.number(1 + random.nextInt(1_000)));
                }
                expect = welcomed ? FuzzExpectation.answer("members", ref) : helloFirst(ref);
            }
            case "rooms" -> expect = welcomed ? FuzzExpectation.answer("rooms", ref) : helloFirst(ref);
            case "received" -> {
                o.put("with", text.nick()).put("through", FuzzJson.number(random.nextInt(1_000_000)));
                // Only an account's messages wait for it: the fuzz sessions are guests.
                expect = welcomed ? FuzzExpectation.error("auth_required", ref) : helloFirst(ref);
            }
            case "ping" -> expect = FuzzExpectation.answer("pong", ref);
            case "quit" -> expect = FuzzExpectation.quit(ref);
            default -> throw new IllegalArgumentException("no such form: " + form);
        }
        if (ref != null) {
            o.put("ref", ref);
        }
        if (random.nextInt(5) == 0) {
            o = shuffled(o);
        }
        return new Frame(form, o, expect);
    }

    private static FuzzExpectation helloFirst(String ref) {
        return FuzzExpectation.error("hello_first", ref);
    }

    /** The same fields in another order: a frame's meaning does not depend on it. */
    private Obj shuffled(Obj o) {
        int[] order = new int[o.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return o.reordered(order);
    }
}
