package chat.settings;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of a service's settings: a command-line flag ({@code --name value} or {@code --name=value}) wins over
 * the environment variable, which wins over the default. A service turns them into its settings record in one
 * place; nothing else reads the environment. Immutable.
 */
public final class SettingValues {
    private final Map<SettingSpec, String> values;

    private SettingValues(Map<SettingSpec, String> values) {
        this.values = Map.copyOf(values);
    }

    public static SettingValues parse(SettingList settings, String[] args, Map<String, String> env)
        throws UsageException {
        Map<SettingSpec, String> values = new HashMap<>();
        for (SettingSpec s : settings.all()) {
            String fromEnv = env.get(s.env());
            if (fromEnv != null && !fromEnv.isBlank()) {
                values.put(s, fromEnv.trim());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inlineValue = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            SettingSpec setting = settings.byFlag(arg);
            if (setting == null) {
                throw new UsageException("unknown option " + arg);
            }
            String value = inlineValue;
            if (value == null && setting.isSwitch()) {
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                value = args[++i];
            }
            values.put(setting, value);
        }
        return new SettingValues(values);
    }

    /** The {@code --help} text: {@code intro}, then one line per setting with its variable and default. */
    public static String usage(SettingList settings, String intro) {
        StringBuilder out = new StringBuilder(intro);
        for (SettingSpec s : settings.all()) {
            out.append(String.format("  %-30s %-36s %s%s%n", s.flag() + (s.isSwitch() ? "" : " VALUE"), s.env(), s.doc(),
                s.defaultValue() == null ? "" : " [" + s.defaultValue() + "]"));
        }
        out.append(String.format("  %-30s %-36s %s%n", "--help", "", "print this and exit"));
        return out.toString();
    }

    /** Whether a flag or the environment gave the setting (its default does not count). */
    public boolean isGiven(SettingSpec s) {
        return values.containsKey(s);
    }

    /** The value, or the default; null when neither exists. */
    public String text(SettingSpec s) {
        return values.getOrDefault(s, s.defaultValue());
    }

    /** @throws IllegalArgumentException naming the setting, when the value is not a whole number */
    public int integer(SettingSpec s) {
        String raw = text(s);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.flag() + " (" + s.env() + ") must be a whole number, not '" + raw + "'");
        }
    }

    /** @throws IllegalArgumentException naming the setting, when the value is neither true nor false */
    public boolean bool(SettingSpec s) {
        String raw = text(s);
        if ("true".equalsIgnoreCase(raw) || "false".equalsIgnoreCase(raw)) {
            return Boolean.parseBoolean(raw);
        }
        throw new IllegalArgumentException(s.flag() + " (" + s.env() + ") must be true or false, not '" + raw + "'");
    }

    /** A whole number of milliseconds. */
    public Duration millis(SettingSpec s) {
        return Duration.ofMillis(integer(s));
    }

    /** A URL with a host, without a trailing slash. */
    public URI url(SettingSpec s) {
        String raw = text(s);
        try {
            URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (uri.getHost() == null) {
                throw new URISyntaxException(raw, "no host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(s.flag() + " (" + s.env() + ") must be a URL like http://HOST:PORT, not '" + raw + "'");
        }
    }

    /**
     * A secret given either in a file (its content, less the whitespace around it; the file keeps it out of {@code ps}
     * and of the environment) or as the value itself; null when neither is given.
     *
     * @throws IllegalArgumentException naming the settings, when both are given, the file cannot be read, or the
     *     secret is too short or too long
     */
    public Secret secret(SettingSpec file, SettingSpec value) {
        if (isGiven(file) && isGiven(value)) {
            throw new IllegalArgumentException("give " + file.flag() + " (" + file.env() + ") or " + value.flag() + " ("
                + value.env() + "), not both");
        }
        String text;
        String source;
        if (isGiven(file)) {
            Path path = Path.of(text(file));
            source = file.flag() + " (" + file.env() + ") " + path;
            try {
                if (Files.size(path) > Secret.MAX_BYTES) {
                    throw new IllegalArgumentException(source + " is larger than a secret (" + Secret.MAX_BYTES + " bytes)");
                }
                text = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + source + ": " + e.getClass().getSimpleName());
            }
        } else if (isGiven(value)) {
            source = value.flag() + " (" + value.env() + ")";
            text = text(value).strip();
        } else {
            return null;
        }
        try {
            return new Secret(text);
        } catch (IllegalArgumentException e) {
            // Says how long it is, never what it is.
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }
}
