package chat.gateway;

import chat.protocol.ByeReason;

/**
 * Why a connection ended: one word for logs and counters, and the reason its client is given in a {@code bye}, if it
 * is given one ({@link #bye()}).
 */
public enum CloseReason {
    QUIT,
    CLIENT_GONE,
    FRAME_TOO_LARGE,
    SLOW_CONSUMER,
    SHUTDOWN,
    IO_ERROR,
    /** No frame for the idle timeout. */
    IDLE,
    /** The first line did not arrive within the first-line timeout. */
    TOO_SLOW,
    /** Kept sending over its rate limit for the flood cut-off. */
    FLOODING,
    /** Over the gateway's or the address's connection limit. */
    TOO_MANY_CONNECTIONS,
    /** The session was resumed on another connection. */
    RESUMED_ELSEWHERE,
    /** This gateway's lease on the presence topic lapsed, so the cluster already released its sessions. */
    LEASE_LOST,
    /** The nick's account changed under the session: registered by another, its password reset, or removed. */
    ACCOUNT_CHANGED,
    /** The TLS handshake failed: the client spoke something else than TLS, or refused the gateway's certificate. */
    TLS_FAILED;

    /** What a {@code bye} tells the client of this ending; null when the client is told nothing or an error. */
    public ByeReason bye() {
        return switch (this) {
            case QUIT -> ByeReason.QUIT;
            case SHUTDOWN -> ByeReason.SHUTDOWN;
            case IDLE -> ByeReason.IDLE;
            case TOO_SLOW -> ByeReason.TOO_SLOW;
            case FLOODING -> ByeReason.FLOODING;
            case RESUMED_ELSEWHERE -> ByeReason.RESUMED_ELSEWHERE;
            case LEASE_LOST -> ByeReason.LEASE_LOST;
            case CLIENT_GONE, FRAME_TOO_LARGE, SLOW_CONSUMER, IO_ERROR, TOO_MANY_CONNECTIONS, ACCOUNT_CHANGED, TLS_FAILED ->
                null;
        };
    }
}
