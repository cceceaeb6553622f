package chat.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private ServiceMetrics metrics;
    private PrometheusMeterRegistry registry;
    private AdminServer admin;

    @BeforeEach
    void start() throws Exception {
        metrics = new ServiceMetrics("test", "t1");
        registry = metrics.registry();
        admin = AdminServer.start("127.0.0.1", 0, registry, () -> new Health(up.get(), Map.of("status", up.get() ? "up" : "down")));
    }

    @AfterEach
    void stop() {
        admin.close();
        metrics.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIs200WhileUpAnd503Otherwise() throws Exception {
        HttpResponse<String> healthy = send("GET", "/health");
        assertEquals(200, healthy.statusCode());
        assertEquals("{\"status\":\"up\"}", healthy.body());
        up.set(false);
        HttpResponse<String> sick = send("GET", "/health");
        assertEquals(503, sick.statusCode());
        assertEquals("{\"status\":\"down\"}", sick.body());
    }

    @Test
    void healthIsJsonInUtf8SentWithItsLengthInBytes() throws Exception {
        String problem = "the café's disk is full ☕";
        Health down = new Health(false, Map.of("problem", problem));
        try (AdminServer sick = AdminServer.start("127.0.0.1", 0, registry, () -> down)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sick.port() + "/health")).build();
            HttpResponse<byte[]> health = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(503, health.statusCode());
            assertEquals("application/json; charset=utf-8", health.headers().firstValue("Content-Type").orElseThrow());
            byte[] expected = ("{\"problem\":\"" + problem + "\"}").getBytes(StandardCharsets.UTF_8);
            assertEquals(String.valueOf(expected.length), health.headers().firstValue("Content-Length").orElseThrow());
            assertArrayEquals(expected, health.body());
        }
    }

    @Test
    void metricsAreThePrometheusTextOfTheRegistryTaggedWithServiceAndInstance() throws Exception {
        Counter.builder("chat.test.things").register(registry).increment(3);
        HttpResponse<String> metrics = send("GET", "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body().contains("chat_test_things_total{instance_id=\"t1\",service=\"test\"} 3.0"), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "the JVM's own meters");
    }

    @Test
    void anythingElseIsRefused() throws Exception {
        assertEquals(404, send("GET", "/").statusCode());
        assertEquals(404, send("GET", "/metrics/extra").statusCode());
        HttpResponse<String> post = send("POST", "/health");
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void theAdminPortSitsAThousandAboveTheServicePort() {
        assertEquals(8001, AdminServer.portBeside(7001));
        assertEquals(8100, AdminServer.portBeside(7100));
        assertEquals(0, AdminServer.portBeside(0));
        assertThrows(IllegalArgumentException.class, () -> AdminServer.portBeside(65_000));
    }
}
