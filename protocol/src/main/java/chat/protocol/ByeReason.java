package chat.protocol;

import java.util.Arrays;

/**
 * Every reason a gateway gives in a {@code bye} frame before it closes a connection. A reason, once published, never
 * changes meaning; {@link #wireText()} is what travels on the wire. A reader meets reasons it does not know (a newer
 * gateway's) as {@link #UNKNOWN}, and the frame keeps their text ({@link ServerFrame.Bye#reason()}).
 */
public enum ByeReason {
    /** The client said quit. */
    QUIT("quit"),
    /** The gateway is stopping; the client may connect to another. */
    SHUTDOWN("shutdown"),
    /** The session was taken up on another connection; this one ends without leaving its rooms. */
    RESUMED_ELSEWHERE("resumed elsewhere"),
    /** The gateway's lease on the presence topic lapsed and the cluster released its sessions: say hello again. */
    LEASE_LOST("lease lost"),
    /** No complete line for the idle timeout. */
    IDLE("idle"),
    /** The first line did not arrive within the first-line timeout. */
    TOO_SLOW("too slow"),
    /** The client kept sending over its rate limit for the flood cut-off. */
    FLOODING("flooding"),
    /** A reason this side does not know, from a newer gateway: the frame's text says it. Never sent. */
    UNKNOWN(null);

    private final String wireText;

    ByeReason(String wireText) {
        this.wireText = wireText;
    }

    /** The reason as the frame carries it; null for {@link #UNKNOWN}, which has none of its own. */
    public String wireText() {
        return wireText;
    }

    /** The reason the wire text names, or {@link #UNKNOWN}. */
    public static ByeReason fromWireText(String text) {
        return Arrays.stream(values()).filter(r -> r.wireText != null && r.wireText.equals(text)).findFirst()
            .orElse(UNKNOWN);
    }
}
