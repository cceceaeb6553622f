package chat.gateway;

import java.util.Map;

/**
 * How this module's tests start a gateway whose time they step, for {@link chat.testkit.TestGateway}: only this
 * module can hand a gateway its time. (One that runs on the wall clock starts with {@link Gateway#start(String...)}.)
 */
final class InProcessGateway {
    private InProcessGateway() {}

    /** A gateway whose time comes from {@code time}, which the test steps. */
    static Gateway start(String[] args, Time time) throws Exception {
        return Gateway.start(GatewayConfig.parse(args, Map.of()), time);
    }
}
