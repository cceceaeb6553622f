package chat.history.store;

import java.util.regex.Pattern;

/**
 * The rule for an account id as the history keeps and serves it: 1 to 64 characters of {@code [A-Za-z0-9_-]} (gateways
 * make them base64url random ids). The API refuses any other, and the ingest skips events that carry one, since a
 * value the columns cannot hold would fail every transaction it is in.
 */
public final class AccountId {
    public static final int MAX_LENGTH = 64;
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

    private AccountId() {}

    public static boolean isValid(String account) {
        return account != null && RULE.matcher(account).matches();
    }

    /** Whether an event's optional account is acceptable: absent (a guest), or a valid id. */
    public static boolean isValidOrAbsent(String account) {
        return account == null || isValid(account);
    }
}
