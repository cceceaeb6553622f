package chat.settings;

import java.util.Objects;

/**
 * What a service says of one setting: its command-line flag, its environment variable, its default ({@code null} for
 * none), what it does (for {@code --help}), and whether the flag is a switch. A service declares each of its settings
 * as a constant its {@link SettingList} makes, so that what a setting is lives in one line. Immutable.
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
}
