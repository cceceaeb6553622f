package chat.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static KeyPair rsa;
    private static KeyPair otherRsa;
    private static KeyPair ec;
    private static byte[] secret;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeys() throws Exception {
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        rsa = rsaGenerator.generateKeyPair();
        otherRsa = rsaGenerator.generateKeyPair();
        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        ec = ecGenerator.generateKeyPair();
        secret = new byte[32];
        RANDOM.nextBytes(secret);
    }

    // ---- valid tokens sign in ----

    @Test
    void aTokenSignedWithTheHmacSecretAdmitsItsSubject() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        String token = sign(new MACSigner(secret), JWSAlgorithm.HS256, claims());
        assertEquals(Optional.of("alice"), verifier.subject(token));
        assertTrue(verifier.admits(token, "alice"));
        assertTrue(verifier.admits(token, "ALICE"), "nicks compare folded");
    }

    @Test
    void aTokenSignedWithTheRsaKeyAdmitsItsSubjectWithRsOrPs() throws Exception {
        TokenVerifier verifier = verifierOf(publicKeyPem(rsa));
        assertTrue(verifier.admits(sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims()), "alice"));
        assertTrue(verifier.admits(sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.PS512, claims()), "alice"));
    }

    @Test
    void aTokenSignedWithTheEcKeyAdmitsItsSubject() throws Exception {
        TokenVerifier verifier = verifierOf(publicKeyPem(ec));
        assertTrue(verifier.admits(sign(ecSigner(), JWSAlgorithm.ES256, claims()), "alice"));
    }

    @Test
    void theKeyMayComeAsACertificate() throws Exception {
        X500Name name = new X500Name("CN=sso.example.org");
        var certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
            BigInteger.ONE, Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(365))), name,
            rsa.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(rsa.getPrivate())));
        TokenVerifier verifier = verifierOf(new TokenSettings(null,
            write("sso.crt", pem("CERTIFICATE", certificate.getEncoded())), null, null, null));
        assertTrue(verifier.admits(sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims()), "alice"));
    }

    @Test
    void aJwksFileServesEachOfItsKeys() throws Exception {
        TokenVerifier verifier = verifierOf(jwksFile());
        assertTrue(verifier.admits(sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims(), "rsa-1"),
            "alice"));
        assertTrue(verifier.admits(sign(ecSigner(), JWSAlgorithm.ES256, claims(), "ec-1"), "alice"));
    }

    // ---- everything else is refused ----

    @Test
    void aBadSignatureIsRefused() throws Exception {
        TokenVerifier verifier = verifierOf(publicKeyPem(rsa));
        assertFalse(verifier.admits(sign(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256, claims()),
            "alice"), "another key");
        String token = sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, claims());
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
            claims(c -> c.subject("mallory")).toString().getBytes(StandardCharsets.UTF_8));
        assertFalse(verifier.admits(parts[0] + "." + otherPayload + "." + parts[2], "mallory"), "another payload");
    }

    @Test
    void anExpiredTokenIsRefusedPastTheLeeway() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        assertTrue(verifier.admits(hs256(claims(c -> c.expirationTime(Date.from(NOW.minusSeconds(29))))), "alice"),
            "within the leeway");
        assertFalse(verifier.admits(hs256(claims(c -> c.expirationTime(Date.from(NOW.minusSeconds(31))))), "alice"));
    }

    @Test
    void aTokenNotYetValidIsRefusedBeforeTheLeeway() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        assertTrue(verifier.admits(hs256(claims(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(29))))), "alice"));
        assertFalse(verifier.admits(hs256(claims(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(31))))), "alice"));
    }

    @Test
    void aTokenForAnotherNickIsRefused() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        assertFalse(verifier.admits(hs256(claims()), "alicia"));
        assertFalse(verifier.admits(hs256(claims(c -> c.subject("not a nick!"))), "not a nick!"));
        assertFalse(verifier.admits(hs256(claims()), null));
    }

    @Test
    void aTokenWithoutSubOrExpIsRefused() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        assertFalse(verifier.admits(hs256(claims(c -> c.expirationTime(null))), "alice"), "no exp");
        assertTrue(verifier.subject(hs256(claims(c -> c.subject(null)))).isEmpty(), "no sub");
    }

    @Test
    void anUnsignedTokenIsRefused() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        String none = new PlainJWT(claims()).serialize();
        assertFalse(verifier.admits(none, "alice"));
        String[] signed = hs256(claims()).split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertFalse(verifier.admits(noneHeader + "." + signed[1] + ".", "alice"));
        assertFalse(verifier.admits(noneHeader + "." + signed[1] + "." + signed[2], "alice"));
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
        TokenSettings pemFile = publicKeyPem(rsa);
        byte[] pemBytes = Files.readAllBytes(pemFile.publicKeyFile());
        byte[] derBytes = rsa.getPublic().getEncoded();
        for (TokenVerifier verifier : new TokenVerifier[] {verifierOf(pemFile), verifierOf(jwksFile())}) {
            assertFalse(verifier.admits(sign(new MACSigner(pemBytes), JWSAlgorithm.HS256, claims()), "alice"));
            assertFalse(verifier.admits(sign(new MACSigner(derBytes), JWSAlgorithm.HS256, claims()), "alice"));
        }
    }

    @Test
    void anHmacAlgorithmLongerThanTheSecretIsRefused() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        byte[] longer = new byte[64];
        System.arraycopy(secret, 0, longer, 0, secret.length);
        assertFalse(verifier.admits(sign(new MACSigner(longer), JWSAlgorithm.HS512, claims()), "alice"));
    }

    @Test
    void aTokenOverTheBoundIsRefusedUnread() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        String[] around = aroundTheBound();
        assertTrue(around[0].length() > TokenVerifier.MAX_TOKEN_CHARS - 4, "the longest within: " + around[0].length());
        assertTrue(verifier.admits(around[0], "alice"));
        assertFalse(verifier.admits(around[1], "alice"));
    }

    @Test
    void garbageIsRefusedWithoutThrowing() throws Exception {
        TokenVerifier verifier = verifierOf(hmacSecretFile(secret));
        for (String garbage : new String[] {null, "", ".", "..", "a.b.c", "eyJ.eyJ.x", "{\"alg\":\"HS256\"}",
            Base64.getUrlEncoder().encodeToString("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}".getBytes()) + ".e30.x"}) {
            assertTrue(verifier.subject(garbage).isEmpty(), garbage);
        }
    }

    @Test
    void theIssuerAndAudienceAreCheckedWhenSet() throws Exception {
        Path secretFile = hmacSecretFile(secret).hmacSecretFile();
        TokenVerifier verifier = verifierOf(new TokenSettings(secretFile, null, null, "https://sso.example.org",
            "chat"));
        Consumer<JWTClaimsSet.Builder> right = c -> c.issuer("https://sso.example.org").audience("chat");
        assertTrue(verifier.admits(hs256(claims(right)), "alice"));
        assertFalse(verifier.admits(hs256(claims(right.andThen(c -> c.issuer("https://evil.example.org")))), "alice"));
        assertFalse(verifier.admits(hs256(claims(right.andThen(c -> c.issuer(null)))), "alice"));
        assertFalse(verifier.admits(hs256(claims(right.andThen(c -> c.audience("wiki")))), "alice"));
        assertFalse(verifier.admits(hs256(claims(right.andThen(c -> c.audience((String) null)))), "alice"));

        TokenVerifier anyIssuer = verifierOf(hmacSecretFile(secret));
        assertTrue(anyIssuer.admits(hs256(claims(c -> c.issuer("anyone").audience("anything"))), "alice"));
    }

    // ---- start-up ----

    @Test
    void noKeySourceMeansNoTokens() {
        assertTrue(TokenVerifier.from(TokenSettings.NONE, CLOCK).isEmpty());
    }

    @Test
    void aShortHmacSecretIsRefusedAtStartUpWithoutShowingIt() throws Exception {
        byte[] shortSecret = "0123456789abcdef0123456789abcde\n".getBytes(StandardCharsets.US_ASCII);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> verifierOf(hmacSecretFile(shortSecret)));
        assertTrue(refused.getMessage().contains("31 bytes"), refused.getMessage());
        assertFalse(refused.getMessage().contains("0123456789"), refused.getMessage());
    }

    @Test
    void aFinalLineBreakIsNoPartOfTheSecret() throws Exception {
        byte[] withLineBreak = new byte[secret.length + 1];
        System.arraycopy(secret, 0, withLineBreak, 0, secret.length);
        withLineBreak[secret.length] = '\n';
        assertTrue(verifierOf(hmacSecretFile(withLineBreak)).admits(hs256(claims()), "alice"));
    }

    @Test
    void keysThatCannotServeAreRefusedAtStartUp() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> verifierOf(new TokenSettings(null,
            write("private.pem", pem("PRIVATE KEY", rsa.getPrivate().getEncoded())), null, null, null)));
        KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
        weak.initialize(1024);
        assertThrows(IllegalArgumentException.class, () -> verifierOf(publicKeyPem(weak.generateKeyPair())));
        assertThrows(IllegalArgumentException.class, () -> verifierOf(new TokenSettings(null,
            write("junk.pem", "not a key".getBytes(StandardCharsets.UTF_8)), null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> verifierOf(new TokenSettings(null, null,
            write("empty.json", "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8)), null, null)));
        assertThrows(IllegalArgumentException.class, () -> verifierOf(new TokenSettings(null, null,
            write("secret.json", ("{\"keys\":[{\"kty\":\"oct\",\"k\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8)), null, null)));
        assertThrows(IllegalArgumentException.class, () -> verifierOf(new TokenSettings(null,
            dir.resolve("missing.pem"), null, null, null)));
    }

    // ---- helpers ----

    private TokenVerifier verifierOf(TokenSettings tokens) {
        return TokenVerifier.from(tokens, CLOCK).orElseThrow();
    }

    private TokenSettings hmacSecretFile(byte[] bytes) throws Exception {
        return new TokenSettings(write("hmac.secret", bytes), null, null, null, null);
    }

    private TokenSettings publicKeyPem(KeyPair pair) throws Exception {
        return new TokenSettings(null, write("sso.pem", pem("PUBLIC KEY", pair.getPublic().getEncoded())), null,
            null, null);
    }

    private TokenSettings jwksFile() throws Exception {
        JWKSet keys = new JWKSet(java.util.List.of(
            new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("rsa-1").build(),
            new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("ec-1").build()));
        return new TokenSettings(null, null,
            write("jwks.json", keys.toString().getBytes(StandardCharsets.UTF_8)), null, null);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static JWTClaimsSet claims() {
        return claims(c -> {});
    }

    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject("alice")
            .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plus(Duration.ofMinutes(10))));
        change.accept(builder);
        return builder.build();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(secret), JWSAlgorithm.HS256, claims);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
        return sign(signer, algorithm, claims, null);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims, String keyId)
        throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build(),
            claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static JWSSigner ecSigner() throws Exception {
        return new ECDSASigner((ECPrivateKey) ec.getPrivate());
    }

    /** The longest valid token within {@link TokenVerifier#MAX_TOKEN_CHARS}, and the next one, beyond it. */
    private static String[] aroundTheBound() throws Exception {
        String within = hs256(claims(c -> c.claim("pad", "")));
        for (int pad = (TokenVerifier.MAX_TOKEN_CHARS - within.length()) * 3 / 4 - 8; ; pad++) {
            String padding = "x".repeat(pad);
            String token = hs256(claims(c -> c.claim("pad", padding)));
            if (token.length() > TokenVerifier.MAX_TOKEN_CHARS) {
                return new String[] {within, token};
            }
            within = token;
        }
    }
}
