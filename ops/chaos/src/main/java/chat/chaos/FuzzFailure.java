package chat.chaos;

/**
 * A case the gateway did not answer as documented: what was sent (the start of its bytes), what PROTOCOL.md says comes
 * back, and what did; {@code replay} says where it was, so the same seed finds it again. {@code kind} is null for the
 * hello and join that open a connection. Immutable.
 */
public record FuzzFailure(FuzzKind kind, Problem problem, String what, String sent, String expected, String got,
                          String replay) {
    /** How an answer fell short. */
    public enum Problem {
        NO_ANSWER("no answer within the deadline"),
        WRONG_ANSWER("an answer other than the documented one"),
        UNDOCUMENTED_CLOSE("the connection ended where no close is documented"),
        NOT_CLOSED("the documented close did not come"),
        NOT_A_FRAME("the gateway sent a line that is not a frame"),
        CANNOT_CONNECT("the gateway did not take the connection");

        private final String description;

        Problem(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
