package chat.ops.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar local-tls.jar DIR --host NAME[,NAME...] [--if-missing]}: writes a certificate authority (once) and
 * a gateway certificate for the names given into DIR ({@link LocalCertificates}).
 */
public final class LocalTlsMain {
    private static final String USAGE = """
        usage: java -jar local-tls.jar DIR --host NAME[,NAME...] [--if-missing]

        Writes into DIR a certificate authority, unless DIR has one already (ca.pem, what clients trust with
        --ca; ca-key.pem, readable by you only), and a gateway certificate that it signs for every NAME, host
        names and IP addresses alike (gateway.pem, the chain a gateway presents with --tls-cert; gateway-key.pem,
        readable by you only, for --tls-key). EC P-256 keys; the authority is valid 10 years, the gateway
        certificate 2. Run again with other names, it keeps the authority and replaces the gateway certificate.
        --if-missing does nothing when DIR already holds all four files.""";

    private LocalTlsMain() {}

    public static void main(String[] args) {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        Path dir = null;
        List<String> hosts = new ArrayList<>();
        boolean ifMissing = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> {
                    if (i + 1 >= args.length) {
                        fail("--host needs NAME[,NAME...]");
                    }
                    for (String name : args[++i].split(",")) {
                        if (!name.isBlank()) {
                            hosts.add(name.strip());
                        }
                    }
                }
                case "--if-missing" -> ifMissing = true;
                default -> {
                    if (args[i].startsWith("-") || dir != null) {
                        fail("unknown option " + args[i]);
                    }
                    dir = Path.of(args[i]);
                }
            }
        }
        if (dir == null) {
            fail("name the directory to write into");
        }
        if (ifMissing && LocalCertificates.exist(dir)) {
            return;
        }
        try {
            new LocalCertificates(Clock.systemUTC(), new SecureRandom()).write(dir, hosts);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (IOException e) {
            System.err.println("local-tls: cannot write into " + dir + ": " + e.getMessage());
            System.exit(1);
        }
        System.err.println("local-tls: " + dir.resolve(LocalCertificates.GATEWAY) + " for " + String.join(", ", hosts)
            + "; clients trust " + dir.resolve(LocalCertificates.CA));
    }

    private static void fail(String message) {
        System.err.println("local-tls: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
