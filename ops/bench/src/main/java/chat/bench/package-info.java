/**
 * The benchmarks behind {@code ops/chat bench}: each {@code *Bench} is a program that starts what it measures (a
 * broker, gateways, the history service, a NATS or IRC server beside them), drives it from this JVM and prints what
 * it cost. Tools, not services: nothing here is deployed. The benches run many threads of their own (pacers that
 * send on a schedule, receivers that read, one client per session), so each class says whether it is thread-safe
 * and which thread owns what.
 */
package chat.bench;
