package chat.settings;

/**
 * One setting of a service, as an enum constant of the service's own that carries its {@link SettingSpec}: its
 * command-line flag, its environment variable, its default ({@code null} for none) and what it does, for
 * {@code --help}.
 */
public interface Setting {
    SettingSpec spec();

    default String flag() {
        return spec().flag();
    }

    default String env() {
        return spec().env();
    }

    default String defaultValue() {
        return spec().defaultValue();
    }

    default String doc() {
        return spec().doc();
    }

    /** Whether the flag is a switch (see {@link SettingSpec#isSwitch()}). */
    default boolean isSwitch() {
        return spec().isSwitch();
    }
}
