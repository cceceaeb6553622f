/**
 * The operator's account tool ({@code ops/chat account}): adds a nick's account, changes its password or removes it
 * by writing one record to the presence topic, then reads the topic until that record is decided as every gateway
 * decides it, with the gateway's own {@link chat.gateway.presence.PresenceState}. A command-line program run once
 * per use: the thread that calls {@code main} does all its work, and nothing in it is shared between threads.
 */
package chat.gateway.accounts;
