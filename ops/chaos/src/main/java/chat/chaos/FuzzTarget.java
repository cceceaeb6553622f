package chat.chaos;

/**
 * The gateway the fuzzer aims at: where clients reach it, its admin port ({@code GET /health}, {@code GET /metrics})
 * on the same host, and its process, which the fuzzer asks for a full collection before it reads the heap.
 */
public record FuzzTarget(String host, int port, int adminPort, long pid) {}
