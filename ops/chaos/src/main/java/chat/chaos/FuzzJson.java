package chat.chaos;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text as the fuzzer writes it, so that it can write what a JSON library would not: a field twice, a number of a
 * thousand digits, a lone surrogate escaped, a value nested ten thousand deep. A value is a {@code String},
 * {@code Boolean}, {@code null}, a {@link List} of values, an {@link Obj}, or {@link Raw} JSON text written as it is
 * (numbers among them). Strings escape quotes, backslashes, control characters and lone surrogates, and nothing else.
 */
final class FuzzJson {
    private FuzzJson() {}

    /** JSON text written as it is. */
    record Raw(String text) {}

    static Raw number(long n) {
        return new Raw(Long.toString(n));
    }

    /** An object whose fields keep their order and may repeat. Mutable: a case builds it, then writes it. */
    static final class Obj {
        private final List<Map.Entry<String, Object>> fields = new ArrayList<>();

        Obj put(String name, Object value) {
            fields.add(new AbstractMap.SimpleEntry<>(name, value));
            return this;
        }

        /** Replaces the value of the first field of the name, or adds the field when there is none. */
        Obj set(String name, Object value) {
            for (Map.Entry<String, Object> field : fields) {
                if (field.getKey().equals(name)) {
                    field.setValue(value);
                    return this;
                }
            }
            return put(name, value);
        }

        Obj remove(String name) {
            fields.removeIf(f -> f.getKey().equals(name));
            return this;
        }

        boolean has(String name) {
            return fields.stream().anyMatch(f -> f.getKey().equals(name));
        }

        Object get(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        }

        List<String> names() {
            return fields.stream().map(Map.Entry::getKey).toList();
        }

        Obj copy() {
            Obj copy = new Obj();
            fields.forEach(f -> copy.put(f.getKey(), f.getValue()));
            return copy;
        }

        /** The fields in another order: {@code order} lists indexes. */
        Obj reordered(int[] order) {
            Obj out = new Obj();
            for (int i : order) {
                out.put(fields.get(i).getKey(), fields.get(i).getValue());
            }
            return out;
        }

        int size() {
            return fields.size();
        }

        @Override
        public String toString() {
            return write(this);
        }
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Boolean b -> out.append(b);
            case Raw r -> out.append(r.text());
            case Obj o -> {
                out.append('{');
                for (int i = 0; i < o.fields.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(o.fields.get(i).getKey(), out);
                    out.append(':');
                    write(o.fields.get(i).getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (Character.isSurrogate(c) && !paired)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
