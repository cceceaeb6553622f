package chat.history.store;

import chat.testkit.TestDatabase;

class PostgresHistoryStoreTest extends HistoryStoreContract {
    @Override
    String freshDatabaseUrl() {
        return TestDatabase.freshPostgresUrl();
    }
}
