package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.auth.TokenSettings;
import chat.settings.SettingSpec;
import chat.settings.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaultsServeTheLocalStack() throws Exception {
        GatewayConfig config = GatewayConfig.parse(new String[0], Map.of());
        assertEquals("127.0.0.1", config.host());
        assertEquals(7001, config.port());
        assertEquals("gw-7001", config.gatewayId());
        assertEquals("127.0.0.1:19092", config.kafkaBootstrapServers());
        assertEquals("chat.events", config.topic());
        assertEquals(Duration.ofSeconds(15), config.sendTimeout());
        assertEquals("chat.presence", config.presenceTopic());
    }

    @Test
    void abuseLimitsDefaultToTheDocumentedValues() throws Exception {
        GatewayConfig config = GatewayConfig.parse(new String[0], Map.of());
        assertEquals(20, config.framesPerSecond());
        assertEquals(40, config.frameBurst());
        assertEquals(Duration.ofSeconds(10), config.floodCutoff());
        assertEquals(Duration.ofSeconds(60), config.idleTimeout());
        assertEquals(Duration.ofSeconds(10), config.firstLineTimeout());
        assertEquals(10_000, config.maxConnections());
        assertEquals(256, config.maxConnectionsPerAddress());
    }

    @Test
    void flagsWinOverTheEnvironment() throws Exception {
        GatewayConfig config = GatewayConfig.parse(new String[] {"--port", "7005", "--kafka=k1:9092,k2:9092"},
            Map.of("GATEWAY_PORT", "7009", "GATEWAY_ID", "east-1", "KAFKA_BOOTSTRAP_SERVERS", "ignored:1"));
        assertEquals(7005, config.port());
        assertEquals("east-1", config.gatewayId());
        assertEquals("k1:9092,k2:9092", config.kafkaBootstrapServers());
    }

    @Test
    void theAdminPortIsTheGatewayPortPlus1000UnlessSet() throws Exception {
        GatewayConfig beside = GatewayConfig.parse(new String[] {"--port", "7003", "--host", "0.0.0.0"}, Map.of());
        assertEquals(8003, beside.adminPort());
        assertEquals("0.0.0.0", beside.adminHost());
        assertEquals(0, GatewayConfig.parse(new String[] {"--port", "0"}, Map.of()).adminPort());
        GatewayConfig set = GatewayConfig.parse(new String[0], Map.of("GATEWAY_ADMIN_PORT", "9090",
            "GATEWAY_ADMIN_HOST", "10.0.0.5"));
        assertEquals(9090, set.adminPort());
        assertEquals("10.0.0.5", set.adminHost());
        assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--admin-port", "7001"}, Map.of()));
        assertTrue(assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--port", "65000"}, Map.of()))
            .getMessage().contains("admin port"));
    }

    @Test
    void badInputIsExplained() {
        assertTrue(assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--port", "seven"}, Map.of())).getMessage().contains("--port"));
        assertTrue(assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--colour", "red"}, Map.of())).getMessage().contains("unknown option"));
        assertTrue(assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--port"}, Map.of())).getMessage().contains("needs a value"));
        assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[0], Map.of("GATEWAY_SEND_TIMEOUT_MS", "10")));
        assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--presence-topic", "chat.events"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--rate", "0"}, Map.of()));
    }

    @Test
    void presenceSnapshotsGoBesideThePresenceTopicEveryTenThousandRecordsUnlessSet() throws Exception {
        GatewayConfig defaults = GatewayConfig.parse(new String[0], Map.of());
        assertEquals("chat.presence.snapshots", defaults.presenceSnapshotTopic());
        assertEquals(10_000, defaults.presenceSnapshotEvery());
        GatewayConfig set = GatewayConfig.parse(new String[] {"--presence-topic", "east.presence"},
            Map.of("CHAT_PRESENCE_SNAPSHOT_EVERY", "500"));
        assertEquals("east.presence.snapshots", set.presenceSnapshotTopic());
        assertEquals(500, set.presenceSnapshotEvery());
        assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--presence-snapshot-every", "0"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--topic", "p.snapshots", "--presence-topic", "p"}, Map.of()), "the chat topic is not the snapshots'");
    }

    @Test
    void tokensAreOffUnlessOneKeySourceIsGiven() throws Exception {
        assertEquals(TokenSettings.NONE, GatewayConfig.parse(new String[0], Map.of()).tokens());
        assertFalse(GatewayConfig.parse(new String[0], Map.of()).tokens().accepted());

        TokenSettings jwks = GatewayConfig.parse(new String[] {"--jwt-jwks", "/etc/chat/jwks.json",
            "--jwt-issuer", "https://sso.example.org"}, Map.of("GATEWAY_JWT_AUDIENCE", "chat")).tokens();
        assertEquals(new TokenSettings(null, null, Path.of("/etc/chat/jwks.json"), "https://sso.example.org",
            "chat"), jwks);
        assertTrue(jwks.accepted());
        assertEquals(Path.of("/run/secrets/jwt"), GatewayConfig.parse(new String[0],
            Map.of("GATEWAY_JWT_HMAC_SECRET_FILE", "/run/secrets/jwt")).tokens().hmacSecretFile());
        assertEquals(Path.of("sso.pem"),
            GatewayConfig.parse(new String[] {"--jwt-public-key=sso.pem"}, Map.of()).tokens().publicKeyFile());
    }

    @Test
    void twoKeySourcesOrAnIssuerWithoutAKeyAreRefused() {
        assertTrue(assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--jwt-public-key", "sso.pem"}, Map.of("GATEWAY_JWT_JWKS", "jwks.json")))
            .getMessage().contains("one of"));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--jwt-hmac-secret-file", "s", "--jwt-public-key", "p", "--jwt-jwks", "j"}, Map.of()));
        assertThrows(UsageException.class,
            () -> GatewayConfig.parse(new String[] {"--jwt-issuer", "https://sso.example.org"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[0], Map.of("GATEWAY_JWT_AUDIENCE", "chat")));
    }

    @Test
    void usageNamesEveryFlagAndVariable() {
        String usage = GatewayConfig.usage();
        for (SettingSpec s : GatewayConfig.Setting.ALL.all()) {
            assertTrue(usage.contains(s.flag()) && usage.contains(s.env()), s.flag());
        }
    }

    @Test
    void tlsIsOnWithACertificateAndItsKeyOnThePort2000AboveTheGateways() throws Exception {
        assertTrue(!GatewayConfig.parse(new String[0], Map.of()).tls());
        GatewayConfig tls = GatewayConfig.parse(new String[] {"--tls-cert", "chain.pem"}, Map.of("GATEWAY_TLS_KEY", "key.pem"));
        assertTrue(tls.tls());
        assertEquals(Path.of("chain.pem"), tls.tlsCert());
        assertEquals(Path.of("key.pem"), tls.tlsKey());
        assertEquals(9001, tls.tlsPort());
        assertEquals(0, GatewayConfig.parse(new String[] {"--port", "0", "--tls-cert", "c", "--tls-key", "k"}, Map.of())
            .tlsPort(), "a free port, as the gateway's own");
        assertEquals(9443, GatewayConfig.parse(new String[] {"--tls-cert", "c", "--tls-key", "k"},
            Map.of("GATEWAY_TLS_PORT", "9443")).tlsPort());
    }

    @Test
    void tlsSettingsThatCannotWorkAreUsageErrors() {
        assertTrue(assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--tls-cert", "c"}, Map.of()))
            .getMessage().contains("--tls-key"));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--tls-key", "k"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(new String[] {"--tls-port", "9001"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--tls-cert", "c", "--tls-key", "k", "--tls-port", "7001"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--tls-cert", "c", "--tls-key", "k", "--tls-port", "8001"}, Map.of()));
        assertThrows(UsageException.class, () -> GatewayConfig.parse(
            new String[] {"--tls-cert", "c", "--tls-key", "k", "--port", "64000", "--admin-port", "9000"}, Map.of()));
    }
}
