package chat.testkit;

import chat.ops.tls.LocalCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority and a gateway certificate for 127.0.0.1, ::1 and localhost, made as {@code ops/chat} makes
 * them ({@link LocalCertificates}) in a directory of their own, and a client context that trusts that authority alone.
 *
 * @param dir where {@code ca.pem}, {@code gateway.pem} and their keys are
 */
public record TestTls(Path dir) {
    public static TestTls create() {
        try {
            Path dir = Files.createTempDirectory("chat-tls-");
            new LocalCertificates(Clock.systemUTC(), new SecureRandom()).write(dir, List.of("127.0.0.1", "::1", "localhost"));
            return new TestTls(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return dir.resolve(LocalCertificates.CA);
    }

    public Path chain() {
        return dir.resolve(LocalCertificates.GATEWAY);
    }

    public Path key() {
        return dir.resolve(LocalCertificates.GATEWAY_KEY);
    }

    /** A gateway's flags to serve TLS with this certificate. */
    public List<String> gatewayArgs() {
        return List.of("--tls-cert", chain().toString(), "--tls-key", key().toString());
    }

    /** A client's context that trusts this authority and no other. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(ca())) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
