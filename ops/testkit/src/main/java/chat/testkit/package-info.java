/**
 * What tests share: the one real Kafka broker of a test run ({@link chat.testkit.TestKafka}), the real databases
 * ({@link chat.testkit.TestDatabase}), a certificate authority for TLS, the one way to start a gateway for a test
 * ({@link chat.testkit.TestGateway}: its common arguments, in the test's JVM or in one of its own), services run in
 * JVMs of their own ({@link chat.testkit.JavaProcess}), a small protocol client ({@link chat.testkit.ChatTestClient}),
 * and ways to wait on a condition with a timeout instead of sleeping. For tests and the ops tools: no service's own
 * code depends on it. Each class says whether it is thread-safe; the client is, for one test thread beside its own
 * reader.
 */
package chat.testkit;
