package chat.history;

import chat.history.api.HistoryApi;
import chat.history.ingest.Ingest;
import chat.history.store.HistoryStore;
import chat.history.store.JdbcHistoryStore;
import chat.history.store.StoreException;
import java.io.IOException;

/** A running history service: the store, the ingest that fills it, and the query API that reads it. */
public final class HistoryService implements AutoCloseable {
    private final HistoryStore store;
    private final Ingest ingest;
    private final HistoryApi api;

    private HistoryService(HistoryStore store, Ingest ingest, HistoryApi api) {
        this.store = store;
        this.ingest = ingest;
        this.api = api;
    }

    /** Opens (and migrates) the database, starts reading the topic and serving queries. */
    public static HistoryService start(HistoryConfig config) throws StoreException, IOException {
        HistoryStore store = JdbcHistoryStore.open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbReaders());
        Ingest ingest = null;
        try {
            ingest = new Ingest(config, store);
            HistoryApi api = HistoryApi.start(config.host(), config.port(), store, ingest);
            ingest.start();
            return new HistoryService(store, ingest, api);
        } catch (IOException | RuntimeException e) {
            if (ingest != null) {
                ingest.close();
            }
            store.close();
            throw e;
        }
    }

    /** The port of the query API. */
    public int port() {
        return api.port();
    }

    public Ingest.Status status() {
        return ingest.status();
    }

    /** Stops serving, then stops reading (the transaction in flight completes), then closes the database. */
    @Override
    public void close() {
        api.close();
        ingest.close();
        store.close();
    }
}
