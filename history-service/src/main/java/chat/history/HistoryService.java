package chat.history;

import chat.admin.AdminServer;
import chat.admin.ServiceMetrics;
import chat.history.api.HistoryApi;
import chat.history.ingest.Ingest;
import chat.runtime.MonotonicTime;
import chat.history.store.HistoryStore;
import chat.history.store.JdbcHistoryStore;
import chat.history.store.StoreException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;

/**
 * A running history service: the store, the ingest that fills it, and the query API that reads it. The ingest runs on
 * the process's time ({@link MonotonicTime#system()}). Thread-safe.
 */
public final class HistoryService implements AutoCloseable {
    private final HistoryStore store;
    private final Ingest ingest;
    private final HistoryApi api;
    private final AdminServer admin;
    private final ServiceMetrics metrics;

    private HistoryService(HistoryStore store, Ingest ingest, HistoryApi api, AdminServer admin,
                           ServiceMetrics metrics) {
        this.store = store;
        this.ingest = ingest;
        this.api = api;
        this.admin = admin;
        this.metrics = metrics;
    }

    /** Opens (and migrates) the database, starts reading the topic, serving queries and the admin port. */
    public static HistoryService start(HistoryConfig config) throws StoreException, IOException {
        HistoryStore store = JdbcHistoryStore.open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbReaders());
        ServiceMetrics metrics = new ServiceMetrics("history", config.group());
        PrometheusMeterRegistry registry = metrics.registry();
        Ingest ingest = null;
        HistoryApi api = null;
        try {
            ingest = new Ingest(config.ingestSource(), store, registry, MonotonicTime.system());
            api = HistoryApi.start(config.host(), config.port(), config.apiSecret(), store, ingest, registry);
            Ingest reading = ingest;
            AdminServer admin = AdminServer.start(config.adminHost(), config.adminPort(), registry,
                () -> HistoryApi.health(reading.status()));
            ingest.start();
            return new HistoryService(store, ingest, api, admin, metrics);
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                api.close();
            }
            if (ingest != null) {
                ingest.close();
            }
            store.close();
            metrics.close();
            throw e;
        }
    }

    /** The port of the query API. */
    public int port() {
        return api.port();
    }

    /** The port of {@code GET /health} and {@code GET /metrics}. */
    public int adminPort() {
        return admin.port();
    }

    public Ingest.Status status() {
        return ingest.status();
    }

    /** Stops serving, then stops reading (the transaction in flight completes), then closes the database. */
    @Override
    public void close() {
        admin.close();
        api.close();
        ingest.close();
        store.close();
        metrics.close();
    }
}
