package chat.chaos;

import chat.settings.SettingList;
import chat.settings.SettingSpec;
import chat.settings.SettingValues;
import chat.settings.UsageException;
import java.time.Duration;
import java.util.Map;

/**
 * How a fuzz run goes: how many frames from how many connections, the seed that decides them all, the pace that keeps
 * each connection under the gateway's default rate limit (20 frames a second, bursts of 40), how long an answer may
 * take, how often the well-behaved speaker talks, and how much the gateway's heap may grow. Immutable.
 *
 * @param framesPerSecond each connection's lines a second: 18, under the default limit of 20 with room to spare, so
 *     no frame is refused as rate_limited and the answers are the ones under test
 * @param heapGrowthBytes how much more the gateway's heap may hold after the run than before it, both measured after a
 *     full collection with no fuzz connection open. A run leaves some state behind by design: the recent message ids
 *     of its rooms and of the direct conversations of its sessions (a thousand a room at most), some megabytes (the
 *     default run leaves about 7 MiB). The bound is 32 MiB: a leak of 350 bytes a frame fails the default run of
 *     100,000 frames, as the field names that Jackson once kept from frame to frame (12 MiB in 20,000 frames) did
 */
public record FuzzSettings(int frames, int connections, long seed, double framesPerSecond, Duration answerDeadline,
                           Duration calmInterval, long heapGrowthBytes) {
    public static final int MOST_CONNECTIONS = 200;

    public FuzzSettings {
        if (frames < 1 || connections < 1 || connections > MOST_CONNECTIONS || framesPerSecond <= 0) {
            throw new IllegalArgumentException("a fuzz run needs frames, and 1 to " + MOST_CONNECTIONS
                + " connections at a positive rate");
        }
    }

    public static FuzzSettings defaults() {
        return new FuzzSettings(100_000, 50, 1, 18, Duration.ofSeconds(10), Duration.ofMillis(200), 32L << 20);
    }

    public FuzzSettings withFrames(int newFrames, int newConnections) {
        return new FuzzSettings(newFrames, newConnections, seed, framesPerSecond, answerDeadline, calmInterval,
            heapGrowthBytes);
    }

    public FuzzSettings withSeed(long newSeed) {
        return new FuzzSettings(frames, connections, newSeed, framesPerSecond, answerDeadline, calmInterval,
            heapGrowthBytes);
    }

    /** The options of {@code ops/chat chaos fuzz}. */
    static final class Option {
        static final SettingList ALL = new SettingList();
        static final SettingSpec FRAMES = ALL.option("--frames", "CHAT_FUZZ_FRAMES", "100000",
            "frames to send, all connections together");
        static final SettingSpec CONNECTIONS = ALL.option("--connections", "CHAT_FUZZ_CONNECTIONS", "50",
            "connections to send them from (at most 200)");
        static final SettingSpec SEED = ALL.option("--seed", "CHAT_FUZZ_SEED", "1",
            "the seed that decides every frame: the same seed sends the same frames");

        private Option() {}
    }

    static String usage() {
        return SettingValues.usage(Option.ALL, "usage: ops/chat chaos fuzz [OPTION VALUE]...\n");
    }

    /** The defaults with the options given. */
    static FuzzSettings parse(String[] args, Map<String, String> env) throws UsageException {
        SettingValues values = SettingValues.parse(Option.ALL, args, env);
        try {
            long seed;
            try {
                seed = Long.parseLong(values.text(Option.SEED));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed must be a whole number, not '" + values.text(Option.SEED) + "'");
            }
            return defaults().withFrames(values.integer(Option.FRAMES), values.integer(Option.CONNECTIONS))
                .withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
