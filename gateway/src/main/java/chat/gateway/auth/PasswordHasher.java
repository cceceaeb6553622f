package chat.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format,
 * {@code $argon2id$v=19$m=KIB,t=ITERATIONS,p=LANES$SALT$HASH} (salt and hash in base64 without padding), so that
 * only a hash, with the parameters that made it, ever leaves the gateway. A hash read back is hostile: {@link #verify}
 * answers false, and computes nothing, for a string that is malformed, of another algorithm, or whose parameters are
 * outside {@link #MAX_MEMORY_KIB} and the other bounds.
 *
 * <p>At most {@code permits} hashes run at once: each costs {@link #MEMORY_KIB} of memory and tens of milliseconds
 * of a core, so a flood of sign-ins holds at most permits × that memory and leaves the other threads their cores.
 * A call waits its turn up to the patience it is given, then gives up with {@link Busy}. Thread-safe.
 */
public final class PasswordHasher {
    /**
     * OWASP's first choice for Argon2id (m=19 MiB, t=2, p=1): on the 2-core development machine one hash takes 50 to
     * 75 ms of a core ({@code ops/chat bench signin}), which a person signing in does not notice and which holds a
     * guesser who got our hashes to about 15 guesses a second a core, while the 19 MiB each guess needs keep GPUs and
     * custom hardware little faster than a CPU. One lane: Bouncy Castle computes lanes one after the other anyway.
     */
    public static final int MEMORY_KIB = 19_456;
    public static final int ITERATIONS = 2;
    public static final int LANES = 1;
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;

    /** Bounds on the parameters of a hash read back: beyond them it is refused, not computed. */
    static final int MAX_MEMORY_KIB = 256 * 1024;
    static final int MAX_ITERATIONS = 10;
    static final int MAX_LANES = 4;
    static final int MIN_SALT_BYTES = 8;
    static final int MAX_SALT_BYTES = 64;
    static final int MIN_HASH_BYTES = 16;
    static final int MAX_HASH_BYTES = 64;
    /** Longer than any string within the bounds above, so the pattern never runs over a long input. */
    private static final int MAX_PHC_CHARS = 256;

    private static final String NUMBER = "(0|[1-9][0-9]{0,8})";
    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=" + NUMBER + ",t=" + NUMBER + ",p="
        + NUMBER + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

    /** The cost of one hash. */
    public record Parameters(int memoryKib, int iterations, int lanes) {
        public static final Parameters DEFAULT = new Parameters(MEMORY_KIB, ITERATIONS, LANES);

        /** Within the bounds a hash read back may have; Argon2 itself needs 8 KiB a lane at least. */
        boolean withinBounds() {
            return lanes >= 1 && lanes <= MAX_LANES && iterations >= 1 && iterations <= MAX_ITERATIONS
                && memoryKib >= 8 * lanes && memoryKib <= MAX_MEMORY_KIB;
        }
    }

    /** No turn to hash came within the patience given: the gateway is busy hashing for others. */
    public static final class Busy extends Exception {
        Busy(int permits, Duration patience) {
            super(permits + " password hashes were running for all of " + patience.toMillis() + " ms");
        }
    }

    /** The key derivation itself; tests put one that they can hold in its place. */
    interface Derivation {
        byte[] derive(Parameters parameters, byte[] password, byte[] salt, int hashBytes);
    }

    private final SecureRandom random;
    private final int permits;
    private final Semaphore running;
    private final Parameters parameters;
    private final Derivation derivation;

    /** Hashes with the default parameters, at most {@code permits} at once (the gateway gives its core count). */
    public PasswordHasher(SecureRandom random, int permits) {
        this(random, permits, Parameters.DEFAULT, PasswordHasher::argon2id);
    }

    PasswordHasher(SecureRandom random, int permits, Parameters parameters, Derivation derivation) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        if (!parameters.withinBounds()) {
            throw new IllegalArgumentException("parameters " + parameters + " are outside what verify accepts");
        }
        this.random = random;
        this.permits = permits;
        this.running = new Semaphore(permits, true);
        this.parameters = parameters;
        this.derivation = derivation;
    }

    /** A new PHC string for the password, with a salt of its own. */
    public String hash(String password, Duration patience) throws Busy, InterruptedException {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(parameters, password, salt, HASH_BYTES, patience);
        return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p="
            + parameters.lanes() + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
    }

    /**
     * Whether the password is the one {@code phc} was made from. False, at once, for a string this hasher would not
     * have written and cannot check within its bounds.
     */
    public boolean verify(String password, String phc, Duration patience) throws Busy, InterruptedException {
        Stored stored = Stored.parse(phc);
        if (stored == null) {
            return false;
        }
        byte[] computed = derive(stored.parameters(), password, stored.salt(), stored.hash().length, patience);
        return MessageDigest.isEqual(computed, stored.hash());
    }

    /** Calls waiting for their turn to hash; for tests. */
    int waiting() {
        return running.getQueueLength();
    }

    private byte[] derive(Parameters parameters, String password, byte[] salt, int hashBytes, Duration patience)
        throws Busy, InterruptedException {
        if (!running.tryAcquire(patience.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new Busy(permits, patience);
        }
        byte[] passwordBytes = bytesOf(password);
        try {
            return derivation.derive(parameters, passwordBytes, salt, hashBytes);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
            running.release();
        }
    }

    /**
     * NFKC, as NIST SP 800-63B asks, so that a password typed on another keyboard or system, which may compose its
     * accented letters differently, is the same password.
     */
    private static byte[] bytesOf(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] argon2id(Parameters parameters, byte[] password, byte[] salt, int hashBytes) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(parameters.memoryKib())
            .withIterations(parameters.iterations())
            .withParallelism(parameters.lanes())
            .withSalt(salt)
            .build());
        byte[] hash = new byte[hashBytes];
        generator.generateBytes(password, hash);
        return hash;
    }

    /** A PHC string taken apart, or null when it is not one this hasher accepts. */
    private record Stored(Parameters parameters, byte[] salt, byte[] hash) {
        static Stored parse(String phc) {
            if (phc == null || phc.length() > MAX_PHC_CHARS) {
                return null;
            }
            Matcher m = PHC.matcher(phc);
            if (!m.matches()) {
                return null;
            }
            Parameters parameters = new Parameters(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            byte[] salt = decode(m.group(4));
            byte[] hash = decode(m.group(5));
            if (!parameters.withinBounds() || salt == null || hash == null
                || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES
                || hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
                return null;
            }
            return new Stored(parameters, salt, hash);
        }

        private static byte[] decode(String base64) {
            try {
                return BASE64_DECODER.decode(base64);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
