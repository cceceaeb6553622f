/**
 * The client's settings and what it remembers between runs. {@link chat.client.config.ClientConfig} reads flags,
 * environment variables and {@code client.properties}, and decides in one place which of them wins;
 * {@link chat.client.config.RememberedState} is {@code state.json}, written atomically and read with suspicion. Both
 * live in the config directory ({@code $XDG_CONFIG_HOME/kafka-chat}, else {@code ~/.config/kafka-chat}). Nothing
 * else in the client reads the environment or these files.
 */
package chat.client.config;
