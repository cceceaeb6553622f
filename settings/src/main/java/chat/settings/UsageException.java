package chat.settings;

/** A flag or value that cannot be used; the message is meant for the person who typed it. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
