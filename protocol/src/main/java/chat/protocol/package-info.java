/**
 * The chat's shared formats: the client wire protocol (newline-delimited JSON frames, {@link chat.protocol.FrameCodec})
 * and the events carried by the Kafka topic ({@link chat.protocol.EventCodec}). Depends on nothing of the project's.
 */
package chat.protocol;
