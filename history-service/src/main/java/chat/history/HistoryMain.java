package chat.history;

import chat.settings.UsageException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command-line entry point: parses the settings, starts the service, and stops it cleanly on SIGTERM or Ctrl-C. */
public final class HistoryMain {
    private HistoryMain() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(HistoryConfig.usage());
            return;
        }
        HistoryConfig config;
        try {
            config = HistoryConfig.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("history-service: " + e.getMessage());
            System.err.println("try: java -jar history-service.jar --help");
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(HistoryMain.class);
        if (config.apiSecret() == null) {
            log.warn("the query API has no secret: it answers anyone on this machine (loopback only);"
                + " give one with --api-secret-file when more than one person uses the machine");
        }
        HistoryService service;
        try {
            service = HistoryService.start(config);
        } catch (Exception e) {
            log.error("history service could not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        log.info("history service listening on {}:{} ({})", config.host(), service.port(), config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
