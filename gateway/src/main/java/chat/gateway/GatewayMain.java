package chat.gateway;

import chat.settings.UsageException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command-line entry point: parses the settings, starts a gateway, and stops it cleanly on SIGTERM or Ctrl-C. */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(GatewayConfig.usage());
            return;
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("gateway: " + e.getMessage());
            System.err.println("try: java -jar gateway.jar --help");
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(GatewayMain.class);
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (IOException | RuntimeException e) {
            // A port in use, most often: say which, and exit rather than leave Kafka threads running.
            log.error("gateway {} could not start: {}", config.gatewayId(), e.toString());
            System.exit(1);
            return;
        }
        log.info("gateway {} listening on {}:{}{}, Kafka {}, topic {}", config.gatewayId(), config.host(), gateway.port(),
            config.tls() ? ", TLS on " + config.host() + ":" + gateway.tlsPort() : "", config.kafkaBootstrapServers(),
            config.topic());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
