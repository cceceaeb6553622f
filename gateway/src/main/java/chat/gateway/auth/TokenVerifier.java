package chat.gateway.auth;

import chat.protocol.Limits;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the JSON Web Tokens of single sign-on ({@code hello} with a token): signed (JWS) by the one key source the
 * gateway was given, with an algorithm that fits that key, unexpired, and naming the nick as its {@code sub}. Refused,
 * never thrown: a token over {@link #MAX_TOKEN_CHARS}, unsigned ({@code alg: none}), signed with an algorithm the key
 * does not take (an HMAC token checked against a public key, the algorithm confusion), without {@code sub} or
 * {@code exp}, expired or not yet valid beyond {@link #LEEWAY}, or of another issuer or audience when those are set.
 * Thread-safe and immutable.
 */
public final class TokenVerifier {
    /** Longer than any token a single sign-on provider issues for a chat; checked before anything is parsed. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** How far the gateway's clock and the issuer's may disagree on exp and nbf. */
    public static final Duration LEEWAY = Duration.ofSeconds(30);
    /** RFC 7518: an HMAC key at least as long as the hash; HS256 needs 32 bytes. */
    static final int MIN_HMAC_SECRET_BYTES = 32;
    static final int MIN_RSA_BITS = 2048;
    /** Key files are small; a larger one is not a key file. */
    private static final int MAX_KEY_FILE_BYTES = 1024 * 1024;
    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
        JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Map<Curve, JWSAlgorithm> EC_ALGORITHMS =
        Map.of(Curve.P_256, JWSAlgorithm.ES256, Curve.P_384, JWSAlgorithm.ES384, Curve.P_521, JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private TokenVerifier(JWKSet keys, Set<JWSAlgorithm> algorithms, String issuer, String audience, Clock clock) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys)));
        JWTClaimsSet mustMatch = issuer == null ? null : new JWTClaimsSet.Builder().issuer(issuer).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
            audience == null ? null : Set.of(audience), mustMatch,
            Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.EXPIRATION_TIME), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) LEEWAY.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The verifier of the gateway's settings, or empty when it takes no tokens.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (never the secret), at start-up
     */
    public static Optional<TokenVerifier> from(TokenSettings tokens, Clock clock) {
        if (!tokens.accepted()) {
            return Optional.empty();
        }
        if (tokens.hmacSecretFile() != null) {
            return Optional.of(hmac(tokens.hmacSecretFile(), tokens, clock));
        }
        Path file = tokens.publicKeyFile() != null ? tokens.publicKeyFile() : tokens.jwksFile();
        JWKSet keys;
        try {
            String text = new String(read(file), StandardCharsets.UTF_8);
            keys = tokens.publicKeyFile() != null ? new JWKSet(JWK.parseFromPEMEncodedObjects(text)) : JWKSet.parse(text);
        } catch (JOSEException | ParseException e) {
            throw new IllegalArgumentException(file + " holds no key that can be read: " + e.getMessage());
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        for (JWK key : keys.getKeys()) {
            algorithms.addAll(algorithmsOf(key, file));
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no key");
        }
        return Optional.of(new TokenVerifier(keys, algorithms, tokens.issuer(), tokens.audience(), clock));
    }

    /** The token's subject, a nick, when the token is valid now; empty otherwise. */
    public Optional<String> subject(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            // SignedJWT, not JWTParser: an unsigned or encrypted token is not even considered.
            String subject = processor.process(SignedJWT.parse(token), null).getSubject();
            return Limits.isValidNick(subject) ? Optional.of(subject) : Optional.empty();
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            // A hostile token may trip the parser in ways it does not declare; each is a refusal.
            return Optional.empty();
        }
    }

    /** Whether the token is valid now and names this nick, as the cluster compares nicks. */
    public boolean admits(String token, String nick) {
        return nick != null && subject(token).map(Limits::foldNick).filter(Limits.foldNick(nick)::equals).isPresent();
    }

    private static TokenVerifier hmac(Path file, TokenSettings tokens, Clock clock) {
        byte[] secret = withoutFinalLineBreak(read(file));
        try {
            if (secret.length < MIN_HMAC_SECRET_BYTES) {
                throw new IllegalArgumentException(file + " holds " + secret.length + " bytes; an HMAC secret needs "
                    + MIN_HMAC_SECRET_BYTES + " at least");
            }
            Set<JWSAlgorithm> algorithms = new HashSet<>(Set.of(JWSAlgorithm.HS256));
            if (secret.length >= 48) {
                algorithms.add(JWSAlgorithm.HS384);
            }
            if (secret.length >= 64) {
                algorithms.add(JWSAlgorithm.HS512);
            }
            JWKSet keys = new JWKSet(new OctetSequenceKey.Builder(secret).build());
            return new TokenVerifier(keys, algorithms, tokens.issuer(), tokens.audience(), clock);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The algorithms a public key verifies. Anything but an RSA or EC public key is refused. */
    private static Set<JWSAlgorithm> algorithmsOf(JWK key, Path file) {
        if (key.isPrivate()) {
            throw new IllegalArgumentException(file + " holds a private key; give the gateway the public key only");
        }
        if (key instanceof RSAKey rsa) {
            if (rsa.size() < MIN_RSA_BITS) {
                throw new IllegalArgumentException(file + " holds an RSA key of " + rsa.size() + " bits; "
                    + MIN_RSA_BITS + " at least");
            }
            return RSA_ALGORITHMS;
        }
        if (key instanceof ECKey ec && EC_ALGORITHMS.containsKey(ec.getCurve())) {
            return Set.of(EC_ALGORITHMS.get(ec.getCurve()));
        }
        throw new IllegalArgumentException(file + " holds a " + key.getKeyType() + " key"
            + (key instanceof ECKey ec ? " on " + ec.getCurve() : "") + "; tokens are checked with RSA keys, or EC keys"
            + " on P-256, P-384 or P-521");
    }

    private static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
            if (bytes.length > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is larger than a key file (1 MiB)");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e);
        }
    }

    /** A secret file written with echo or an editor ends in a line break that is no part of the secret. */
    private static byte[] withoutFinalLineBreak(byte[] bytes) {
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\n') {
            end--;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
        }
        if (end == bytes.length) {
            return bytes;
        }
        byte[] trimmed = Arrays.copyOf(bytes, end);
        Arrays.fill(bytes, (byte) 0);
        return trimmed;
    }
}
