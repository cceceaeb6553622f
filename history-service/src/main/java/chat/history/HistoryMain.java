package chat.history;

/** Entry point of the history service. The service itself (ingest, storage, query API) is not built yet. */
public final class HistoryMain {
    private HistoryMain() {}

    public static void main(String[] args) {
        System.out.println("""
            usage: java -jar history-service.jar [--help]

            The history service will read the chat topic and keep the whole chat log in a database.
            It is not built yet: this release has no options and does nothing else.""");
        if (args.length == 0 || !(args[0].equals("--help") || args[0].equals("-h"))) {
            System.exit(2);
        }
    }
}
