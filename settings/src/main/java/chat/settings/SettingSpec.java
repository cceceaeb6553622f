package chat.settings;

import java.util.Objects;

/**
 * What a service says of one setting: its command-line flag, its environment variable, its default ({@code null} for
 * none), what it does (for {@code --help}), and whether the flag is a switch. Each constant of a service's enum of
 * settings carries one, so that what a setting is lives in one line of that enum. Immutable.
 *
 * @param isSwitch whether the flag given alone ({@code --tls}) means {@code true}; it then takes no value but through
 *     {@code =} ({@code --tls=false}), and its variable holds {@code true} or {@code false}
 */
public record SettingSpec(String flag, String env, String defaultValue, String doc, boolean isSwitch) {
    public SettingSpec {
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(doc, "doc");
        if (!flag.startsWith("--")) {
            throw new IllegalArgumentException("a flag starts with --: " + flag);
        }
    }

    /** A setting that takes a value. */
    public static SettingSpec option(String flag, String env, String defaultValue, String doc) {
        return new SettingSpec(flag, env, defaultValue, doc, false);
    }

    /** A switch: off unless given, since given alone it means on. */
    public static SettingSpec onOff(String flag, String env, String doc) {
        return new SettingSpec(flag, env, "false", doc, true);
    }
}
