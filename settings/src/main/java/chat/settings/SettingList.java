package chat.settings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of one service, in the order the service declares them. Each setting is declared once, as a constant
 * of the service's that this list makes ({@link #option}, {@link #onOff}): the constant is the setting, and the list
 * knows them all without their names being written again, as Kafka's {@code ConfigDef} knows a client's configs. A
 * flag or variable declared twice fails the class that declares it.
 *
 * <p>Filled while its service's settings class initialises, from that class's static constants alone, and only read
 * after that: the class's initialisation publishes it whole to every thread.
 */
public final class SettingList {
    private final List<SettingSpec> all = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** A setting that takes a value; {@code defaultValue} is null for none. */
    public SettingSpec option(String flag, String env, String defaultValue, String doc) {
        return add(new SettingSpec(flag, env, defaultValue, doc, false));
    }

    /** A switch: off unless given, since given alone it means on (see {@link SettingSpec#isSwitch()}). */
    public SettingSpec onOff(String flag, String env, String doc) {
        return add(new SettingSpec(flag, env, "false", doc, true));
    }

    /** Every setting, in the order declared. */
    public List<SettingSpec> all() {
        return List.copyOf(all);
    }

    /** The setting of {@code flag}, or null when the service has none. */
    SettingSpec byFlag(String flag) {
        for (SettingSpec s : all) {
            if (s.flag().equals(flag)) {
                return s;
            }
        }
        return null;
    }

    private SettingSpec add(SettingSpec setting) {
        if (!names.add(setting.flag()) || !names.add(setting.env())) {
            throw new IllegalStateException("declared twice: " + setting.flag() + " or " + setting.env());
        }
        all.add(setting);
        return setting;
    }
}
