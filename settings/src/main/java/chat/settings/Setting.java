package chat.settings;

/**
 * One setting of a service, as an enum constant of the service's own: its command-line flag, its environment
 * variable, its default ({@code null} for none) and what it does, for {@code --help}.
 */
public interface Setting {
    String flag();

    String env();

    String defaultValue();

    String doc();

    /**
     * Whether the flag is a switch: given alone ({@code --tls}) it means {@code true}, and it takes no value but
     * through {@code =} ({@code --tls=false}). Its variable holds {@code true} or {@code false}.
     */
    default boolean isSwitch() {
        return false;
    }
}
