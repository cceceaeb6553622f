package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.testkit.TestTls;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway reads the key formats people have, and says at start what is wrong with files it cannot serve. */
class GatewayTlsTest {
    private static final TestTls TLS = TestTls.create();

    @Test
    void readsAPkcs8Key() throws Exception {
        assertNotNull(GatewayTls.load(TLS.chain(), TLS.key()));
    }

    @Test
    void readsTheSameKeyInSec1Form(@TempDir Path dir) throws Exception {
        // As openssl ecparam -genkey writes it: the curve's parameters, then "EC PRIVATE KEY" naming the curve.
        PrivateKeyInfo pkcs8;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(TLS.key()))) {
            pkcs8 = (PrivateKeyInfo) parser.readObject();
        }
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ASN1Encodable curve = pkcs8.getPrivateKeyAlgorithm().getParameters();
        ECPrivateKey sec1Key = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(), curve);
        Path sec1 = dir.resolve("sec1.pem");
        Files.writeString(sec1, pem(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded()))
            + pem(new PemObject("EC PRIVATE KEY", sec1Key.getEncoded())));
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
        assertNotNull(GatewayTls.load(TLS.chain(), sec1));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Path other = dir.resolve("other.pem");
        Files.writeString(other, pem(new PemObject("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded())));
        IOException refused = assertThrows(IOException.class, () -> GatewayTls.load(TLS.chain(), other));
        assertTrue(refused.getMessage().contains("not the key of the first certificate"), refused.getMessage());
    }

    @Test
    void filesWithoutACertificateOrAKeyAreNamed(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertTrue(assertThrows(IOException.class, () -> GatewayTls.load(empty, TLS.key())).getMessage()
            .contains("empty.pem"));
        assertTrue(assertThrows(IOException.class, () -> GatewayTls.load(TLS.chain(), TLS.chain())).getMessage()
            .contains("no private key"));
    }

    private static String pem(PemObject object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
