package chat.gateway;

/** Why a connection ended: one word for logs and counters. */
public enum CloseReason {
    QUIT,
    CLIENT_GONE,
    FRAME_TOO_LARGE,
    SLOW_CONSUMER,
    SHUTDOWN,
    IO_ERROR
}
