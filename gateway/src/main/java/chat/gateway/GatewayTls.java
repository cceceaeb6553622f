package chat.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The gateway's side of TLS: a server context from a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 RSA
 * or SEC1 EC, unencrypted), TLSv1.3 and TLSv1.2 only. {@link #layer} puts TLS over an accepted socket without reading
 * or writing anything: the handshake is the connection's reader thread's to run, under the first-line deadline, so a
 * client that never finishes it holds up no one else. Immutable; thread-safe.
 */
final class GatewayTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLSocketFactory sockets;

    private GatewayTls(SSLSocketFactory sockets) {
        this.sockets = sockets;
    }

    /**
     * @throws IOException naming the file, when a file cannot be read, holds no certificate or key, the key is
     *     encrypted, or the key is not the first certificate's
     */
    static GatewayTls load(Path chainFile, Path keyFile) throws IOException {
        Certificate[] chain = readChain(chainFile);
        PrivateKey key = readKey(keyFile);
        try {
            requireMatch(key, (X509Certificate) chain[0], keyFile, chainFile);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("gateway", key, password, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return new GatewayTls(context.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot serve TLS with " + chainFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** TLS, server side, over {@code accepted}; closing it closes the accepted socket. Nothing is read or written yet. */
    SSLSocket layer(Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) sockets.createSocket(accepted, (InputStream) null, true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static Certificate[] readChain(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certificates.toArray(Certificate[]::new);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(in)) {
            Object object;
            // An EC key from openssl may come after its curve's parameters: those are passed over.
            while ((object = parser.readObject()) != null) {
                switch (object) {
                    case PrivateKeyInfo pkcs8 -> {
                        return converter.getPrivateKey(pkcs8);
                    }
                    case PEMKeyPair pkcs1OrSec1 -> {
                        return converter.getPrivateKey(pkcs1OrSec1.getPrivateKeyInfo());
                    }
                    case PEMEncryptedKeyPair ignored -> throw new IOException(file + " is encrypted; give it unencrypted, readable by the gateway's user only");
                    case PKCS8EncryptedPrivateKeyInfo ignored -> throw new IOException(file + " is encrypted; give it unencrypted, readable by the gateway's user only");
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a PEM private key: " + e.getMessage(), e);
        }
        throw new IOException(file + " holds no private key (PKCS#8, PKCS#1 RSA or SEC1 EC, in PEM)");
    }

    /** A key that is not the certificate's would fail every handshake; better said once, at start. */
    private static void requireMatch(PrivateKey key, X509Certificate certificate, Path keyFile, Path chainFile)
        throws GeneralSecurityException, IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of another algorithm than the certificate's: no match, said below.
        }
        throw new IOException("the key in " + keyFile + " is not the key of the first certificate in " + chainFile);
    }
}
