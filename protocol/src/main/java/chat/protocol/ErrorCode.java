package chat.protocol;

/**
 * Every error code the gateway can send in an {@code error} frame. A code, once published, never changes meaning;
 * {@link #wireName()} is what travels on the wire.
 */
public enum ErrorCode {
    BAD_FRAME("bad_frame", "not a JSON object with a string type, or a field of the wrong kind"),
    FRAME_TOO_LARGE("frame_too_large", "a line longer than the frame limit; the connection is closed"),
    UNKNOWN_TYPE("unknown_type", "a frame type the gateway does not know"),
    HELLO_FIRST("hello_first", "the first frame must be hello, and only the first"),
    BAD_NICK("bad_nick", "a nick that does not match ^[A-Za-z][A-Za-z0-9_-]{0,19}$"),
    NICK_TAKEN("nick_taken", "the nick is held by another session"),
    BAD_ROOM("bad_room", "a room name that does not match ^[a-z0-9][a-z0-9_-]{0,31}$"),
    NOT_MEMBER("not_member", "the frame needs membership of a room the session has not joined"),
    BAD_TEXT("bad_text", "text that is empty, longer than 4000 code points, or holds control characters"),
    UNAVAILABLE("unavailable", "Kafka did not take the message in time; nothing was acked and the same id may be resent"),
    SLOW_CONSUMER("slow_consumer", "the client did not read fast enough and its outbound queue filled; the connection is closed"),
    NO_SUCH_NICK("no_such_nick", "a direct message to a nick that no session holds"),
    RATE_LIMITED("rate_limited", "the client sent frames faster than its rate limit; the frame was dropped"),
    NICK_REGISTERED("nick_registered", "the nick is registered to an account: sign in with its password or a token, or pick another nick"),
    AUTH_FAILED("auth_failed", "the password or token does not sign in to this nick's account"),
    AUTH_REQUIRED("auth_required", "only a session signed in to an account may do this (or, where guests are off, connect)"),
    BAD_PASSWORD("bad_password", "a password shorter than 8 or longer than 256 characters, or holding control characters"),
    TOO_MANY_CONNECTIONS("too_many_connections", "the gateway, or the client's address, has all the connections it may have; the connection is closed");

    private final String wireName;
    private final String description;

    ErrorCode(String wireName, String description) {
        this.wireName = wireName;
        this.description = description;
    }

    public String wireName() {
        return wireName;
    }

    public String description() {
        return description;
    }

    public static ErrorCode fromWireName(String name) {
        for (ErrorCode code : values()) {
            if (code.wireName.equals(name)) {
                return code;
            }
        }
        throw new IllegalArgumentException("unknown error code: " + name);
    }
}
