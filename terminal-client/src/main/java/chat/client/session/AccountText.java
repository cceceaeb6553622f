package chat.client.session;

import chat.protocol.Limits;

/**
 * What the client tells its user about accounts and signing in, in words a user understands and with what to do
 * next: one sentence per situation, so each is written once. Stateless.
 */
public final class AccountText {
    private AccountText() {}

    public static String nickRegistered(String nick) {
        return nick + " is registered to an account: type its password to sign in, or quit (Ctrl+C) and start with "
            + "another --nick";
    }

    public static String guestsOff(String nick) {
        return "this chat admits only accounts: type the password of " + nick + " to sign in, or quit (Ctrl+C) if "
            + nick + " has no account";
    }

    public static String signInAsked(String nick) {
        return "type the password of " + nick + " to sign in";
    }

    public static String wrongPassword(String nick) {
        return "wrong password for " + nick + ": type it again";
    }

    public static String tokenRefused(String nick) {
        return "the token does not sign in to " + nick + " (it may have expired): type the password instead";
    }

    public static String registered(String nick) {
        return nick + " is registered to your account; sign in with this password from now on";
    }

    public static String registeredFirst(String nick) {
        return "someone registered " + nick + " first, so it cannot be yours: to have an account, start with "
            + "another --nick and /register that";
    }

    /** {@code why} is the gateway's reason, or the client's own check's. */
    public static String badPassword(String why) {
        return "that password cannot be registered (" + why + "): /register again with " + Limits.MIN_PASSWORD_CODE_POINTS
            + " to " + Limits.MAX_PASSWORD_CODE_POINTS + " characters and no control characters";
    }

    public static String accountsOnly(String nick) {
        return "only an account may do that: /register makes " + nick + " one, and you stay signed in";
    }

    public static String alreadyAnAccount(String nick) {
        return nick + " is registered to your account already";
    }

    public static String registrationCut(String nick) {
        return "the connection was lost before " + nick + " was registered: /register again";
    }

    /** Shown once in a direct conversation of a guest: its past messages are kept for accounts alone. */
    public static String conversationOfGuest(String nick) {
        return "earlier messages are kept for accounts only: /register makes " + nick + " one";
    }
}
