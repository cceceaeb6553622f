package chat.ops.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final LocalCertificates certificates =
        new LocalCertificates(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

    @Test
    void theGatewayChainIsTrustedThroughTheAuthorityAndNamesEveryHost(@TempDir Path dir) throws Exception {
        certificates.write(dir, List.of("127.0.0.1", "::1", "localhost", "chat.example.org"));

        List<X509Certificate> chain = certificatesIn(dir.resolve(LocalCertificates.GATEWAY));
        assertEquals(2, chain.size(), "the gateway's certificate, then the authority's");
        trusting(certificatesIn(dir.resolve(LocalCertificates.CA)).getFirst())
            .checkServerTrusted(chain.toArray(X509Certificate[]::new), "ECDHE_ECDSA");
        X509Certificate gateway = chain.getFirst();
        Set<String> names = new HashSet<>();
        gateway.getSubjectAlternativeNames().forEach(n -> names.add((String) n.get(1)));
        assertEquals(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "localhost", "chat.example.org"), names);
        assertEquals("EC", gateway.getPublicKey().getAlgorithm());
        assertEquals(NOW.plus(LocalCertificates.GATEWAY_VALIDITY), gateway.getNotAfter().toInstant());
        assertEquals(NOW.plus(LocalCertificates.CA_VALIDITY), chain.get(1).getNotAfter().toInstant());
        assertEquals(-1, gateway.getBasicConstraints(), "the gateway's certificate signs nothing");
    }

    @Test
    void privateKeysAreReadableByTheirOwnerOnly(@TempDir Path dir) throws Exception {
        certificates.write(dir, List.of("localhost"));

        for (String key : List.of(LocalCertificates.CA_KEY, LocalCertificates.GATEWAY_KEY)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))), key);
            assertTrue(Files.readString(dir.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key + " is PKCS#8");
        }
    }

    @Test
    void aSecondRunKeepsTheAuthoritySoClientsGoOnTrustingIt(@TempDir Path dir) throws Exception {
        certificates.write(dir, List.of("gw1"));
        String authority = Files.readString(dir.resolve(LocalCertificates.CA));
        String firstGateway = Files.readString(dir.resolve(LocalCertificates.GATEWAY));

        certificates.write(dir, List.of("gw1", "gw2"));

        assertEquals(authority, Files.readString(dir.resolve(LocalCertificates.CA)));
        assertTrue(!firstGateway.equals(Files.readString(dir.resolve(LocalCertificates.GATEWAY))), "a new certificate");
        trusting(certificatesIn(dir.resolve(LocalCertificates.CA)).getFirst()).checkServerTrusted(
            certificatesIn(dir.resolve(LocalCertificates.GATEWAY)).toArray(X509Certificate[]::new), "ECDHE_ECDSA");
        assertTrue(LocalCertificates.exist(dir));
    }

    @Test
    void namesThatNoCertificateCanHoldAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> certificates.write(dir, List.of()));
        assertThrows(IllegalArgumentException.class, () -> certificates.write(dir, List.of("gw 1")));
        assertThrows(IllegalArgumentException.class, () -> certificates.write(dir, List.of("-gw")));
    }

    static List<X509Certificate> certificatesIn(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                .map(X509Certificate.class::cast).toList();
        }
    }

    static X509TrustManager trusting(X509Certificate authority) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", authority);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

}
