package chat.history.store;

/** The database failed or could not be reached; what was asked of the store did not happen. */
public final class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
