/**
 * Proof under faults: {@code ops/chat chaos} runs a replicated cluster (three brokers, three gateways, the history
 * service) with a thousand headless clients built on the terminal client's own session code, injects one fault after
 * another (a gateway killed, a gateway frozen, a partition leader killed, the history service killed during joins, a
 * full restart), and compares what every client saw with the history database; the fuzzer sends a gateway hostile
 * bytes by the hundred thousand beside a well-behaved client. Tools, not services: nothing here is deployed.
 */
package chat.chaos;
