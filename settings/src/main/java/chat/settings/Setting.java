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
}
