package chat.history.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the health check says the ingest no longer reads, as far as its polls of Kafka go, on stepped time. */
class LastPollTest {
    private static final Duration NANO = Duration.ofNanos(1);

    private final SteppedIngestTime time = new SteppedIngestTime();
    private final LastPoll lastPoll = new LastPoll(time);

    @Test
    void anIngestJustStartedHasTheStaleTimeToMakeItsFirstPoll() {
        time.step(LastPoll.STALE.minus(NANO));
        assertNull(lastPoll.problem());
        time.step(NANO);
        assertEquals("no poll of Kafka for 10 s", lastPoll.problem());
    }

    @Test
    void eachPollKeepsItReadingForAnotherStaleTime() {
        time.step(Duration.ofSeconds(9));
        lastPoll.polled();
        time.step(LastPoll.STALE.minus(NANO));
        assertNull(lastPoll.problem());
        time.step(NANO);
        assertEquals("no poll of Kafka for 10 s", lastPoll.problem());
    }

    @Test
    void aPollAfterALongSilenceMakesItReadingAgain() {
        time.step(Duration.ofMinutes(3));
        lastPoll.polled();
        assertNull(lastPoll.problem(), "the database or Kafka answered again");
    }
}
