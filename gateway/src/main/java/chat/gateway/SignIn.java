package chat.gateway;

import chat.gateway.auth.PasswordHasher;
import chat.gateway.auth.SignInThrottle;
import chat.gateway.auth.TokenVerifier;
import chat.gateway.presence.PresenceState;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks the credentials of a {@code hello} against the accounts the presence topic holds, and hashes the password
 * of a {@code register}. The cluster then decides the claim or the registration in log order; this only tells which
 * account, if any, the client proved it owns. Every failed proof goes through the {@link SignInThrottle}, so guessing
 * is slow however many connections it comes over. Called on the connection's reader thread; the hashing itself runs
 * on platform threads of its own, since a hash holds a core for tens of milliseconds and, on a virtual thread, would
 * hold one of the few carriers every connection's reader and writer share. Thread-safe.
 */
final class SignIn {
    /** How long a sign-in waits for a free hashing slot before the client hears the gateway is busy. */
    private static final Duration HASHING_PATIENCE = Duration.ofSeconds(10);

    /** Why a hello or a register cannot go on: the error the client gets. */
    static final class Refused extends Exception {
        private final ErrorCode code;

        Refused(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        ErrorCode code() {
            return code;
        }
    }

    private final ClusterPresence presence;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final Optional<TokenVerifier> tokens;
    private final SessionTokens ids;
    private final boolean guestsAllowed;
    private final Duration sendTimeout;
    private final ExecutorService hashing;

    /** {@code hashingThreads}: as many as the hasher lets run at once. */
    SignIn(ClusterPresence presence, PasswordHasher hasher, int hashingThreads, SignInThrottle throttle,
           Optional<TokenVerifier> tokens, SessionTokens ids, boolean guestsAllowed, Duration sendTimeout) {
        this.hashing = Executors.newFixedThreadPool(hashingThreads,
            Thread.ofPlatform().name("hashing-", 0).daemon(true).factory());
        this.presence = presence;
        this.hasher = hasher;
        this.throttle = throttle;
        this.tokens = tokens;
        this.ids = ids;
        this.guestsAllowed = guestsAllowed;
        this.sendTimeout = sendTimeout;
    }

    boolean guestsAllowed() {
        return guestsAllowed;
    }

    /** The account the hello proves it owns, or null for a hello that carries no credential (a guest, or a resume). */
    String account(Connection c, ClientFrame.Hello hello) throws Refused, InterruptedException {
        if (hello.password() != null) {
            return withPassword(c, hello.nick(), hello.password());
        }
        if (hello.token() != null) {
            return withToken(c, hello.nick(), hello.token());
        }
        return null;
    }

    private String withPassword(Connection c, String nick, String password) throws Refused, InterruptedException {
        try (SignInThrottle.Attempt attempt = throttle.begin(nick, c.address())) {
            requireOpen(c);
            // Read after the throttle's wait: a registration or reset decided meanwhile counts.
            PresenceState.Account account = presence.state().account(nick);
            boolean proven = account != null && account.credential() != null
                && onHashingThread(() -> hasher.verify(password, account.credential(), HASHING_PATIENCE));
            if (!proven) {
                attempt.failed();
                throw new Refused(ErrorCode.AUTH_FAILED, "wrong password for " + nick + ", or no account of that name");
            }
            attempt.succeeded();
            return account.id();
        }
    }

    private String withToken(Connection c, String nick, String token) throws Refused, InterruptedException {
        if (tokens.isEmpty()) {
            throw new Refused(ErrorCode.AUTH_FAILED, "this gateway takes no tokens; sign in with a password");
        }
        try (SignInThrottle.Attempt attempt = throttle.begin(nick, c.address())) {
            requireOpen(c);
            if (!tokens.get().admits(token, nick)) {
                attempt.failed();
                throw new Refused(ErrorCode.AUTH_FAILED, "the token is not valid for " + nick);
            }
            attempt.succeeded();
        }
        PresenceState.Account account = presence.state().account(nick);
        if (account != null) {
            return account.id();
        }
        // The nick's first sign-in with a token registers it, in log order like any registration.
        try {
            PresenceState.Account owner = presence.registerForTokens(nick, ids.newToken())
                .get(sendTimeout.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            return owner.id();
        } catch (ExecutionException | TimeoutException e) {
            throw new Refused(ErrorCode.UNAVAILABLE, "Kafka did not take the account in time; say hello again");
        }
    }

    /** A client that left while it waited its turn gets nothing checked: its turn goes back uncounted. */
    private static void requireOpen(Connection c) throws Refused {
        if (!c.isOpen()) {
            throw new Refused(ErrorCode.AUTH_FAILED, "the connection closed while it waited its turn");
        }
    }

    /** The hash to register for {@code password}, which the frame codec has already checked against the rules. */
    String credentialFor(String password) throws Refused, InterruptedException {
        return onHashingThread(() -> hasher.hash(password, HASHING_PATIENCE));
    }

    private <T> T onHashingThread(Callable<T> work) throws Refused, InterruptedException {
        try {
            return hashing.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PasswordHasher.Busy) {
                throw new Refused(ErrorCode.UNAVAILABLE, "this gateway is busy signing others in; try again in a moment");
            }
            throw new IllegalStateException("hashing failed", e.getCause());
        }
    }

    /** Stops the hashing threads; a sign-in still waiting for one is refused as unavailable. */
    void close() {
        hashing.shutdownNow();
    }
}
