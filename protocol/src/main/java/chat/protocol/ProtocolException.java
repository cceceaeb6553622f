package chat.protocol;

/** A frame that cannot be accepted, with the error code to answer it with and the frame's {@code ref} when it had one. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final String ref;

    public ProtocolException(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code ref} of the offending frame, or null. */
    public String ref() {
        return ref;
    }
}
