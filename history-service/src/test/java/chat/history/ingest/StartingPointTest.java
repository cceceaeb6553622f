package chat.history.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StartingPointTest {

    @Test
    void aPartitionTheStoreHasNotReadStartsAtTheEarliestRecordKafkaHolds() {
        assertEquals(new StartingPoint.Read(0, null), StartingPoint.of("chat.events", 2, null, 0, 500));
        assertEquals(new StartingPoint.Read(120, null), StartingPoint.of("chat.events", 2, null, 120, 500),
            "whatever retention deleted was never the store's");
    }

    @Test
    void aPartitionTheStoreHasReadStartsWhereItsRowsEnd() {
        assertEquals(new StartingPoint.Read(300, null), StartingPoint.of("chat.events", 2, 300L, 120, 500));
        assertEquals(new StartingPoint.Read(500, null), StartingPoint.of("chat.events", 2, 500L, 120, 500), "read to the end");
        assertEquals(new StartingPoint.Read(120, null), StartingPoint.of("chat.events", 2, 120L, 120, 120), "an emptied partition");
    }

    @Test
    void aPositionBelowWhatKafkaStillHoldsStartsAtTheEarliestAndNamesTheRecordsMissed() {
        StartingPoint.Read read = assertInstanceOf(StartingPoint.Read.class,
            StartingPoint.of("chat.events", 2, 100L, 120, 500));
        assertEquals(120, read.offset());
        assertEquals("offsets 100 to 119 of partition 2 of chat.events were deleted by the topic's retention before"
            + " the database read them; their messages are not in the history", read.gap());
    }

    @Test
    void aPositionAboveThePartitionsEndIsRefusedWithWhatToDo() {
        StartingPoint.Refuse refuse = assertInstanceOf(StartingPoint.Refuse.class,
            StartingPoint.of("chat.events", 2, 501L, 0, 500));
        assertTrue(refuse.reason().startsWith("partition 2 of chat.events ends at offset 500, below offset 501 that the"
            + " database has read: the topic was deleted and created again"), refuse.reason());
        assertTrue(refuse.reason().contains("Give the service a new database (it fills itself from the topic)"),
            refuse.reason());
        assertInstanceOf(StartingPoint.Refuse.class, StartingPoint.of("chat.events", 0, 9_000L, 0, 3),
            "a topic created again and written to since");
    }

    @Test
    void aGapIsNamedOnlyWhenRecordsWereMissed() {
        assertNull(((StartingPoint.Read) StartingPoint.of("t", 0, 7L, 7, 9)).gap());
    }
}
