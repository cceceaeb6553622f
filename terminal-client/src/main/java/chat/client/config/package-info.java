/**
 * The client's settings and what it remembers between runs. {@link chat.client.config.ClientConfig} reads flags,
 * environment variables and {@code client.properties}, and decides in one place which of them wins;
 * {@link chat.client.config.StateStore} keeps a {@link chat.client.config.RememberedState} per nick
 * ({@code nicks/NICK.json}) and the nick used last ({@code state.json}), each file written atomically and read with
 * suspicion. All live in the config directory ({@code $XDG_CONFIG_HOME/kafka-chat}, else
 * {@code ~/.config/kafka-chat}). Nothing else in the client reads the environment or these files.
 */
package chat.client.config;
