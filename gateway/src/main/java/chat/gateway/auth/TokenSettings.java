package chat.gateway.auth;

import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where the keys of single sign-on tokens come from ({@code hello} with a token): one file at most, none when
 * the gateway takes no tokens; and the issuer and audience a token must name, when set. The gateway's settings hold
 * one; it lives here so that signing in needs nothing of the gateway around it. Immutable.
 */
public record TokenSettings(Path hmacSecretFile, Path publicKeyFile, Path jwksFile, String issuer, String audience) {
    public static final TokenSettings NONE = new TokenSettings(null, null, null, null, null);

    public TokenSettings {
        long sources = Stream.of(hmacSecretFile, publicKeyFile, jwksFile).filter(Objects::nonNull).count();
        if (sources > 1) {
            throw new IllegalArgumentException(
                "give one of --jwt-hmac-secret-file, --jwt-public-key and --jwt-jwks, not " + sources);
        }
        if (sources == 0 && (issuer != null || audience != null)) {
            throw new IllegalArgumentException("--jwt-issuer and --jwt-audience need a key to check tokens with");
        }
    }

    /** Whether the gateway takes tokens at all. */
    public boolean accepted() {
        return hmacSecretFile != null || publicKeyFile != null || jwksFile != null;
    }
}
