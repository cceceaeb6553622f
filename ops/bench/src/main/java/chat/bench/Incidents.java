package chat.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong on one system during the run: frames that said error (a chat {@code error} or {@code bye}, NATS
 * {@code -ERR}, IRC {@code ERROR}), sends that failed, and members whose connection ended before the bench closed it.
 * The first few are kept as text for the report. Thread-safe.
 */
final class Incidents {
    private static final int KEPT = 5;

    private long errors;
    private long lostConnections;
    private final List<String> examples = new ArrayList<>();

    synchronized void error(String what) {
        errors++;
        keep(what);
    }

    synchronized void connectionLost(String what) {
        lostConnections++;
        keep(what);
    }

    private void keep(String what) {
        if (examples.size() < KEPT) {
            examples.add(what);
        }
    }

    /** Errors and lost connections so far, together. */
    synchronized long count() {
        return errors + lostConnections;
    }

    synchronized long lostConnections() {
        return lostConnections;
    }

    synchronized List<String> examples() {
        return List.copyOf(examples);
    }
}
