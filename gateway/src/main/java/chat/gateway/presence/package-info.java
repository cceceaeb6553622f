/**
 * Cluster-wide presence decided by the presence topic's order: who holds each nick, in which rooms, and which gateways
 * are alive. {@link chat.gateway.presence.PresenceState} is a pure function of the topic's records, so every gateway
 * that reads the topic reaches the same decisions without talking to the others.
 */
package chat.gateway.presence;
