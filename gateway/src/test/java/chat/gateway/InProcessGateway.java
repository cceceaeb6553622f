package chat.gateway;

import java.util.Map;

/**
 * How this module's tests start a gateway whose timers they step, for {@link chat.testkit.TestGateway}: only this
 * module can hand a gateway its timers. (One that runs on the wall clock starts with {@link Gateway#start(String...)}.)
 */
final class InProcessGateway {
    private InProcessGateway() {}

    /** A gateway whose delayed decisions wait for the test to step {@code timers}. */
    static Gateway start(String[] args, Timers timers) throws Exception {
        return Gateway.start(GatewayConfig.parse(args, Map.of()), timers);
    }
}
