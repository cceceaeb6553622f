package chat.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port: {@code GET /health} and {@code GET /metrics}, nothing else, and nothing that changes the service.
 * Requests run on virtual threads. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final PrometheusMeterRegistry registry;
    private final Supplier<Health> health;

    private AdminServer(HttpServer server, PrometheusMeterRegistry registry, Supplier<Health> health) {
        this.server = server;
        this.registry = registry;
        this.health = health;
    }

    /** The admin port that goes with a service's port unless a setting says otherwise: 1000 above it, 0 beside 0. */
    public static int portBeside(int servicePort) {
        if (servicePort == 0) {
            return 0;
        }
        if (servicePort + 1000 > 65_535) {
            throw new IllegalArgumentException("port " + servicePort + " has no admin port 1000 above it; set one");
        }
        return servicePort + 1000;
    }

    public static AdminServer start(String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health)
        throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        AdminServer admin = new AdminServer(server, registry, health);
        server.createContext("/", admin::handle);
        server.setExecutor(admin.executor);
        server.start();
        return admin;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                HttpResponses.json(exchange, 405, "{\"error\":\"only GET is served\"}");
                return;
            }
            switch (exchange.getRequestURI().getRawPath()) {
                case "/health" -> {
                    Health now = health.get();
                    HttpResponses.json(exchange, now.up() ? 200 : 503, JSON.writeValueAsString(now.details()));
                }
                case "/metrics" -> HttpResponses.respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
                default -> HttpResponses.json(exchange, 404, "{\"error\":\"no such resource; see /health and /metrics\"}");
            }
        } catch (RuntimeException e) {
            log.error("admin request {} failed", exchange.getRequestURI(), e);
        }
    }

    /** Stops answering at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
