package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.presence.PresenceState;
import chat.runtime.Freshness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Whether a gateway still counts its lease live, as far as Kafka taking its heartbeats goes, on stepped time. */
class HeartbeatsTakenTest {
    private static final Duration NANO = Duration.ofNanos(1);

    private final SteppedTime time = new SteppedTime();
    private final Freshness heartbeats = new Freshness(time, PresenceState.LEASE);

    @Test
    void aGatewayJustStartedHasALeasesTimeToGetItsFirstHeartbeatIn() {
        time.step(PresenceState.LEASE.minus(NANO));
        assertTrue(heartbeats.fresh());
        time.step(NANO);
        assertFalse(heartbeats.fresh(), "no heartbeat taken in a whole lease");
    }

    @Test
    void eachHeartbeatKafkaTakesKeepsTheLeaseForAnotherLease() {
        time.step(PresenceState.LEASE.minusSeconds(1));
        heartbeats.happened();
        time.step(PresenceState.LEASE.minus(NANO));
        assertTrue(heartbeats.fresh());
        time.step(NANO);
        assertFalse(heartbeats.fresh());
    }

    @Test
    void aHeartbeatTakenAfterTheLeaseLapsedMakesItLiveAgain() {
        time.step(PresenceState.LEASE.multipliedBy(3));
        heartbeats.happened();
        assertTrue(heartbeats.fresh(), "Kafka is back: the gateway's own count of its lease is live again");
    }

    @Test
    void heartbeatsWrittenEveryIntervalKeepTheLeaseWithRoomForFourToBeLost() {
        for (int i = 0; i < 10; i++) {
            time.step(PresenceState.HEARTBEAT_INTERVAL);
            heartbeats.happened();
        }
        time.step(PresenceState.HEARTBEAT_INTERVAL.multipliedBy(4));
        assertTrue(heartbeats.fresh(), "four heartbeats in a row went unacknowledged");
    }
}
