package chat.client.session;

import chat.client.failover.Failover;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a session reaches a gateway: plain TCP, or TLS that checks the gateway's certificate and its host name as HTTPS
 * does. {@link #open} returns a connected socket, its TLS handshake done; a failure says plainly what went wrong, for
 * the status line, and the session tries the next gateway as for any connection it could not make. Immutable;
 * thread-safe (each connection is opened on a thread of its own).
 */
public sealed interface Transport {
    /** A connected socket to {@code gateway}, with no read timeout, within {@code timeout} for the connection and handshake. */
    Socket open(Failover.Gateway gateway, Duration timeout) throws IOException;

    static Transport plain() {
        return new Plain();
    }

    /** TLS, trusting what {@code context} trusts. */
    static Transport tls(SSLContext context) {
        return new Tls(context);
    }

    /**
     * A TLS context that trusts the system's authorities and, when {@code caFile} is not null, the certificates in it
     * (PEM, one or more).
     *
     * @throws IOException naming the file, when it cannot be read or holds no certificate
     */
    static SSLContext trusting(Path caFile) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (var manager : system.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate authority : x509.getAcceptedIssuers()) {
                        trusted.setCertificateEntry("system-" + n++, authority);
                    }
                }
            }
            if (caFile != null) {
                Collection<? extends Certificate> given;
                try (InputStream in = Files.newInputStream(caFile)) {
                    given = CertificateFactory.getInstance("X.509").generateCertificates(in);
                } catch (CertificateException e) {
                    throw new IOException(caFile + " is not a PEM certificate: " + e.getMessage(), e);
                }
                if (given.isEmpty()) {
                    throw new IOException(caFile + " holds no certificate");
                }
                for (Certificate authority : given) {
                    trusted.setCertificateEntry("given-" + n++, authority);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    record Plain() implements Transport {
        @Override
        public Socket open(Failover.Gateway gateway, Duration timeout) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(gateway.host(), gateway.port()), (int) timeout.toMillis());
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
    }

    record Tls(SSLContext context) implements Transport {
        private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

        @Override
        public Socket open(Failover.Gateway gateway, Duration timeout) throws IOException {
            Socket plain = new Plain().open(gateway, timeout);
            try {
                SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, gateway.host(), gateway.port(), true);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(PROTOCOLS);
                // The certificate must name the host the gateway was given by, as a browser asks of a web server.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.setSoTimeout((int) timeout.toMillis());
                try {
                    socket.startHandshake();
                } catch (SSLException e) {
                    throw new IOException(why(e, gateway), e);
                }
                socket.setSoTimeout(0);
                return socket;
            } catch (IOException e) {
                plain.close();
                throw e;
            }
        }

        /** What the user can act on: an authority to trust, a host name to use, or the gateway's plain port. */
        private static String why(SSLException e, Failover.Gateway gateway) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof CertPathBuilderException) {
                    return "TLS: the certificate of " + gateway + " is not signed by an authority this client trusts"
                        + " (give it with --ca)";
                }
                if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).contains("match")) {
                    return "TLS: the certificate of " + gateway + " does not name " + gateway.host();
                }
            }
            return "TLS handshake with " + gateway + " failed (" + e.getMessage() + "; is it the gateway's TLS port?)";
        }
    }
}
