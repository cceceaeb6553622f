package chat.client.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Which gateway the client talks to, and when it tries the next: a pure state machine, given the time and a random
 * source, so it is tested without waiting. A lost gateway is left for the next in the list at once (with a little
 * jitter, so that a gateway's clients do not all arrive on the next one in the same millisecond); when one attempt
 * after another fails, the waits grow, doubling up to a bound, each jittered. Not thread-safe: one owner drives it.
 */
public final class Failover {

    public record Gateway(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Where the client stands, for the status bar too. */
    public sealed interface State {
        /** Opening a connection to {@code target}, and saying hello. */
        record Connecting(Gateway target, int attempt) implements State {}

        record Connected(Gateway gateway) implements State {}

        /**
         * Waiting until {@code until} to try {@code next}. {@code offline} once every gateway has failed in a row: the
         * client keeps trying, and says so.
         */
        record Waiting(Gateway next, Instant until, int attempt, boolean offline, String why) implements State {}
    }

    private final List<Gateway> gateways;
    private final RandomGenerator random;
    private final Duration firstRetry;
    private final Duration maxWait;
    private int index;
    private int failuresInARow;
    private State state;

    public Failover(List<Gateway> gateways, RandomGenerator random, Duration firstRetry, Duration maxWait) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("at least one gateway is needed");
        }
        this.gateways = List.copyOf(gateways);
        this.random = random;
        this.firstRetry = firstRetry;
        this.maxWait = maxWait;
        this.state = new State.Connecting(this.gateways.getFirst(), 0);
    }

    public State state() {
        return state;
    }

    /** The connection to the gateway being tried is up and welcomed. */
    public State connected() {
        if (state instanceof State.Connecting c) {
            failuresInARow = 0;
            state = new State.Connected(c.target());
        }
        return state;
    }

    /**
     * The gateway in use or being tried is gone: its connection closed or failed, or a ping went unanswered. The next
     * gateway in the list is tried after a jittered wait.
     */
    public State lost(Instant now, String why) {
        if (state instanceof State.Waiting) {
            return state;
        }
        failuresInARow++;
        index = (index + 1) % gateways.size();
        Duration wait = waitAfter(failuresInARow);
        state = new State.Waiting(gateways.get(index), now.plus(wait), failuresInARow,
            failuresInARow >= gateways.size() + 1, why);
        return state;
    }

    /** Moves from waiting to connecting once the wait is over. */
    public State tick(Instant now) {
        if (state instanceof State.Waiting w && !now.isBefore(w.until())) {
            state = new State.Connecting(w.next(), w.attempt());
        }
        return state;
    }

    /**
     * The first failure waits up to {@code firstRetry} (the next gateway is most likely alive); each later one in a
     * row waits twice as long as the one before, up to {@code maxWait}, from half of it to all of it.
     */
    private Duration waitAfter(int failures) {
        if (failures == 1) {
            return Duration.ofNanos((long) (random.nextDouble() * firstRetry.toNanos()));
        }
        long ceiling = Math.min(maxWait.toNanos(), firstRetry.toNanos() << Math.min(failures - 1, 30));
        return Duration.ofNanos(ceiling / 2 + (long) (random.nextDouble() * (ceiling / 2)));
    }
}
