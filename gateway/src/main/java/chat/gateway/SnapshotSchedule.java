package chat.gateway;

import java.time.Duration;

/**
 * When the next snapshot of the presence state is due: once {@code every} records have been applied since the last
 * one, or once {@link #INTERVAL} of log time has passed with at least one record. The records bound what a starting
 * gateway replays; the interval bounds how old the newest snapshot gets while few records come. Given offsets and log
 * time rather than reading a clock. Not thread-safe: the presence follower thread owns it.
 */
final class SnapshotSchedule {
    static final Duration INTERVAL = Duration.ofMinutes(10);

    private final int every;
    private long lastOffset;
    private long lastLogTime;

    /** The state at {@code offset}, reached at {@code logTime}, is covered: by a snapshot or by the whole topic. */
    SnapshotSchedule(int every, long offset, long logTime) {
        this.every = every;
        this.lastOffset = offset;
        this.lastLogTime = logTime;
    }

    /** Whether a snapshot of the state covering the records below {@code offset}, at {@code logTime}, is due. */
    boolean due(long offset, long logTime) {
        return offset - lastOffset >= every || (offset > lastOffset && logTime - lastLogTime >= INTERVAL.toMillis());
    }

    /** A snapshot covering the records below {@code offset} was taken. */
    void taken(long offset, long logTime) {
        lastOffset = offset;
        lastLogTime = logTime;
    }
}
