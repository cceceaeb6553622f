package chat.gateway;

import java.util.Map;

/**
 * How this module's tests start a gateway in their own JVM, for {@link chat.testkit.TestGateway}: fast, and its parts
 * open to the test. The test kit holds the command line; only this module can turn it into a gateway.
 */
final class InProcessGateway {
    private InProcessGateway() {}

    static Gateway start(String[] args) throws Exception {
        return Gateway.start(GatewayConfig.parse(args, Map.of()));
    }

    /** A gateway whose delayed decisions wait for the test to step {@code timers}. */
    static Gateway start(String[] args, Timers timers) throws Exception {
        return Gateway.start(GatewayConfig.parse(args, Map.of()), timers);
    }
}
