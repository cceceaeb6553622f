/**
 * The Main-Class of every runnable jar ({@code gateway.jar}, {@code history-service.jar}, {@code terminal-client.jar},
 * {@code local-kafka.jar}). Compiled for Java 8 so that an older Java than the project needs can load it and say so,
 * instead of failing with {@code UnsupportedClassVersionError}; it depends on nothing and uses the Java 8 API only.
 */
package chat.launcher;
