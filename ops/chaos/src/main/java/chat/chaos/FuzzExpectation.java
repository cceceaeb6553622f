package chat.chaos;

import chat.protocol.ByeReason;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway must send in answer to one fuzz case, as PROTOCOL.md documents it: frames in order ({@link Step}s),
 * then, for some, the close; and how the case changes the session for the cases after it. {@code label} names the
 * answer in the report. Frames the gateway sends on its own (a room's messages, presence) may come between the steps.
 * Immutable.
 */
record FuzzExpectation(String label, List<Step> steps, boolean closes, Effect effect) {
    FuzzExpectation {
        steps = List.copyOf(steps);
    }

    /** How an answered case changes the session. */
    enum Effect {
        NONE,
        /** The session is a member of its room from now on. */
        JOINED,
        /** The session left its room. */
        PARTED
    }

    /** What a step makes of a frame. */
    enum Match {
        /** Not this step's frame. */
        NO,
        /** This step's frame, and more of it follow (a history in pages). */
        MORE,
        /** This step's frame: the step is done. */
        DONE
    }

    /** One frame the answer holds, which {@link #match} recognises. */
    interface Step {
        Match match(JsonNode frame);

        String describe();
    }

    // ---- answers ----

    static FuzzExpectation error(String code, String ref) {
        return new FuzzExpectation("error " + code, List.of(errorStep(code, ref)), false, Effect.NONE);
    }

    /** {@code count} lines, each answered by an error of {@code code} without a ref. */
    static FuzzExpectation errors(String code, int count) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(errorStep(code, null));
        }
        return new FuzzExpectation("error " + code + (count > 1 ? " x" + count : ""), steps, false, Effect.NONE);
    }

    /** The documented end of a line over the limit: frame_too_large, then the gateway closes. */
    static FuzzExpectation frameTooLarge() {
        return new FuzzExpectation("error frame_too_large, closed", List.of(errorStep("frame_too_large", null)), true,
            Effect.NONE);
    }

    /** One frame of {@code type} carrying {@code ref} (none when null). */
    static FuzzExpectation answer(String type, String ref) {
        return new FuzzExpectation(type, List.of(frameStep(type, ref)), false, Effect.NONE);
    }

    static FuzzExpectation welcome(String nick, String ref) {
        return new FuzzExpectation("welcome", List.of(fields("welcome", ref, "nick", nick)), false, Effect.NONE);
    }

    static FuzzExpectation joined(String room, String ref) {
        return new FuzzExpectation("joined, history", List.of(
            fields("joined", ref, "room", room), historyPages(room, ref)), false, Effect.JOINED);
    }

    static FuzzExpectation parted(String room, String ref) {
        return new FuzzExpectation("parted", List.of(fields("parted", ref, "room", room)), false, Effect.PARTED);
    }

    /** A say's ack, then the message itself as every member gets it. */
    static FuzzExpectation said(String room, String nick, String text, String id, String ref) {
        return new FuzzExpectation("ack, message", List.of(fields("ack", ref, "id", id),
            fields("message", null, "room", room, "from", nick, "text", text, "id", id)), false, Effect.NONE);
    }

    /** A dm's ack, then the dm itself. */
    static FuzzExpectation sentDm(String from, String to, String text, String id, String ref) {
        return new FuzzExpectation("ack, dm", List.of(fields("ack", ref, "id", id),
            fields("dm", null, "from", from, "to", to, "text", text, "id", id)), false, Effect.NONE);
    }

    static FuzzExpectation quit(String ref) {
        return new FuzzExpectation("bye quit, closed", List.of(fields("bye", ref, "reason", ByeReason.QUIT.wireText())),
            true, Effect.NONE);
    }

    /** The same answer, but without a ref: the frame's ref was null, which counts as none. */
    FuzzExpectation withoutRef() {
        List<Step> bare = steps.stream().map(s -> s instanceof RefStep r ? r.withRef(null) : s).toList();
        return new FuzzExpectation(label, bare, closes, effect);
    }

    // ---- steps ----

    /** A step that checks the frame's ref: the one given, or none at all when it is null. */
    private interface RefStep extends Step {
        Step withRef(String ref);
    }

    private static Step errorStep(String code, String ref) {
        return fields("error", ref, "code", code);
    }

    private static Step frameStep(String type, String ref) {
        return fields(type, ref);
    }

    /** A frame of {@code type} with {@code ref} whose string fields hold the values given as name, value, ... */
    private static RefStep fields(String type, String ref, String... nameValues) {
        record Fields(String type, String ref, List<String> nameValues) implements RefStep {
            @Override
            public Match match(JsonNode frame) {
                if (!type.equals(frame.path("type").textValue()) || !refMatches(frame, ref)) {
                    return Match.NO;
                }
                for (int i = 0; i + 1 < nameValues.size(); i += 2) {
                    if (!nameValues.get(i + 1).equals(frame.path(nameValues.get(i)).textValue())) {
                        return Match.NO;
                    }
                }
                return Match.DONE;
            }

            @Override
            public Step withRef(String newRef) {
                return new Fields(type, newRef, nameValues);
            }

            @Override
            public String describe() {
                StringBuilder out = new StringBuilder(type);
                for (int i = 0; i + 1 < nameValues.size(); i += 2) {
                    String value = nameValues.get(i + 1);
                    out.append(' ').append(nameValues.get(i)).append('=')
                        .append(value.length() > 40 ? value.substring(0, 40) + "..." : value);
                }
                return out.append(ref == null ? " (no ref)" : " ref=" + ref).toString();
            }
        }
        return new Fields(type, ref, List.of(nameValues));
    }

    /** The pages of a room's history after a join, up to the one with {@code more: false}. */
    private static RefStep historyPages(String room, String ref) {
        record Pages(String room, String ref) implements RefStep {
            @Override
            public Match match(JsonNode frame) {
                if (!"history".equals(frame.path("type").textValue()) || !room.equals(frame.path("room").textValue())
                    || !refMatches(frame, ref)) {
                    return Match.NO;
                }
                return frame.path("more").asBoolean(true) ? Match.MORE : Match.DONE;
            }

            @Override
            public Step withRef(String newRef) {
                return new Pages(room, newRef);
            }

            @Override
            public String describe() {
                return "history room=" + room + " up to more=false" + (ref == null ? " (no ref)" : " ref=" + ref);
            }
        }
        return new Pages(room, ref);
    }

    private static boolean refMatches(JsonNode frame, String ref) {
        JsonNode actual = frame.get("ref");
        return ref == null ? actual == null : actual != null && Objects.equals(ref, actual.textValue());
    }

    /**
     * Frames a gateway sends on its own, which may come between the steps of any answer: messages and direct messages
     * to the session, joins and leaves in its room, and a quiet room's list.
     */
    static boolean unasked(JsonNode frame) {
        String type = frame.path("type").textValue();
        return "message".equals(type) || "dm".equals(type) || "presence".equals(type)
            || ("members".equals(type) && !frame.has("ref"));
    }
}
