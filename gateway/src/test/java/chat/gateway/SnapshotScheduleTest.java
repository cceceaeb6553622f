package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotScheduleTest {
    private static final long INTERVAL = SnapshotSchedule.INTERVAL.toMillis();

    @Test
    void aSnapshotIsDueEverySoManyRecords() {
        SnapshotSchedule schedule = new SnapshotSchedule(100, 1_000, 0);
        assertFalse(schedule.due(1_099, 10));
        assertTrue(schedule.due(1_100, 10));
        schedule.taken(1_100, 10);
        assertFalse(schedule.due(1_150, 20));
        assertTrue(schedule.due(1_250, 20));
    }

    @Test
    void aSnapshotIsDueAfterTheIntervalOfLogTimeIfAnyRecordCameSinceTheLast() {
        SnapshotSchedule schedule = new SnapshotSchedule(100, 1_000, 5_000);
        assertFalse(schedule.due(1_000, 5_000 + 10 * INTERVAL), "nothing new to cover");
        assertFalse(schedule.due(1_001, 5_000 + INTERVAL - 1));
        assertTrue(schedule.due(1_001, 5_000 + INTERVAL));
    }

    @Test
    void aGatewayThatReplayedAWholeTopicWritesOneAtOnce() {
        assertTrue(new SnapshotSchedule(10_000, 0, 0).due(1_000_000, 0));
    }
}
