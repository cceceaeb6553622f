package chat.ops.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a certificate authority and a gateway certificate signed by it, EC P-256 both, in one directory:
 * <ul>
 *   <li>{@code ca.pem}: the authority's certificate, what clients trust ({@code --ca});</li>
 *   <li>{@code ca-key.pem}: its private key, readable by its owner only;</li>
 *   <li>{@code gateway.pem}: the gateway's certificate, then the authority's (the chain a gateway presents);</li>
 *   <li>{@code gateway-key.pem}: the gateway's private key (PKCS#8), readable by its owner only.</li>
 * </ul>
 * The authority is made once and kept, so clients that trust it go on trusting the gateway certificates it signs
 * later; the gateway certificate is made anew for the names given. Keys are written to their files before any byte
 * of them is, so no other user can read them. Stateless; thread-safe.
 */
public final class LocalCertificates {
    public static final String CA = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String GATEWAY = "gateway.pem";
    public static final String GATEWAY_KEY = "gateway-key.pem";
    public static final Duration CA_VALIDITY = Duration.ofDays(3_653);
    public static final Duration GATEWAY_VALIDITY = Duration.ofDays(730);
    /** A host name as a certificate can name it: labels of letters, digits and hyphens. */
    private static final Pattern HOST_NAME = Pattern.compile(
        "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final Clock clock;
    private final SecureRandom random;

    public LocalCertificates(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * Makes the authority in {@code dir} unless one is there, and a gateway certificate for {@code hosts} (names and
     * IP addresses), replacing any gateway certificate there.
     *
     * @throws IllegalArgumentException when no host is given or one is neither a host name nor an IP address
     */
    public void write(Path dir, List<String> hosts) throws IOException {
        GeneralNames names = subjectAltNames(hosts);
        Files.createDirectories(dir);
        try {
            Authority authority = Files.exists(dir.resolve(CA)) && Files.exists(dir.resolve(CA_KEY))
                ? readAuthority(dir)
                : newAuthority(dir);
            KeyPair gatewayKeys = ecKeyPair();
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(authority.certificate(), serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(GATEWAY_VALIDITY)),
                new X500Name("CN=" + hosts.getFirst()), gatewayKeys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, names);
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(gatewayKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(authority.certificate()));
            X509Certificate gateway = sign(builder, authority.key());
            writePrivate(dir.resolve(GATEWAY_KEY), pemKey(gatewayKeys.getPrivate()));
            writePublic(dir.resolve(GATEWAY), pem(gateway) + pem(authority.certificate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("this Java cannot make EC P-256 certificates: " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} holds the authority and a gateway certificate with its key. */
    public static boolean exist(Path dir) {
        return List.of(CA, CA_KEY, GATEWAY, GATEWAY_KEY).stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private record Authority(X509Certificate certificate, PrivateKey key) {}

    private Authority newAuthority(Path dir) throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair keys = ecKeyPair();
        Instant now = clock.instant();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        X500Name name = new X500Name("CN=kafka-chat local authority " + host + " " + now.getEpochSecond());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        // It signs gateway certificates and nothing else: no authority below it.
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate certificate = sign(builder, keys.getPrivate());
        writePrivate(dir.resolve(CA_KEY), pemKey(keys.getPrivate()));
        writePublic(dir.resolve(CA), pem(certificate));
        return new Authority(certificate, keys.getPrivate());
    }

    private static Authority readAuthority(Path dir) throws IOException, GeneralSecurityException {
        X509Certificate certificate;
        PrivateKey key;
        try (Reader in = Files.newBufferedReader(dir.resolve(CA), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(in)) {
            if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
                throw new IOException(dir.resolve(CA) + " holds no certificate");
            }
            certificate = new JcaX509CertificateConverter().getCertificate(holder);
        }
        try (Reader in = Files.newBufferedReader(dir.resolve(CA_KEY), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(in)) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else if (read instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else {
                throw new IOException(dir.resolve(CA_KEY) + " holds no private key");
            }
        }
        return new Authority(certificate, key);
    }

    private static GeneralNames subjectAltNames(List<String> hosts) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("name at least one host the gateways are reached by");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String raw : hosts) {
            String host = raw.strip();
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (IP_LITERAL.matcher(literal).matches()) {
                try {
                    // An IP literal is parsed as is, without asking any resolver.
                    names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(literal).getHostAddress()));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("'" + host + "' is not an IP address");
                }
            } else if (host.length() <= 253 && HOST_NAME.matcher(host).matches()) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            } else {
                throw new IllegalArgumentException("'" + host + "' is neither a host name nor an IP address");
            }
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
        throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static String pem(X509Certificate certificate) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** PKCS#8, unencrypted: the file's permissions protect it. */
    private static String pemKey(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Written to a new file that only its owner may read, then moved over the old one. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        try {
            Files.createFile(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(fresh);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(fresh + " appeared while it was being written", e);
        }
        Files.writeString(fresh, text, StandardCharsets.US_ASCII);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePublic(Path file, String text) throws IOException {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(fresh, text, StandardCharsets.US_ASCII);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
