/**
 * How a service reads its settings: each service declares them as constants of a {@link chat.settings.SettingList}, each
 * a {@link chat.settings.SettingSpec} (flag, environment variable, default, what it does, whether it is a switch), and
 * {@link chat.settings.SettingValues} reads the command line over the environment over the defaults, so that each
 * service builds its immutable settings record in one place and nothing else reads the environment. Depends on
 * nothing of the project's. Everything here is immutable, but a {@code SettingList} while its service's class
 * initialises.
 */
package chat.settings;
