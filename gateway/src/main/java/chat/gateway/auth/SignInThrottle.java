package chat.gateway.auth;

import chat.protocol.Limits;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Slows password guessing, per account (the folded nick) and per source address (an IPv4 address, or the /64 of an
 * IPv6 address, since one subscriber usually holds a whole /64). The rule, for each key apart: failures are counted in
 * a row, and after the n-th failure the key's next attempt is not verified before min(cap, step × n) has passed since
 * that failure. With the default step of 10 ms and cap of 60 s, 50 failures in a row from one address take at least
 * 12.25 s (10 ms × (1 + 2 + … + 49)) before the 50th is answered, and one key gets about 4,200 guesses in a day at
 * most (the cap is reached after 6,000).
 *
 * <p>An attempt holds the turn of both its keys from {@link #begin} until its outcome: one verification per key is in
 * flight at a time, so a client that opens many connections from one address waits in line and burns at most one hash
 * at a time. A success resets the account's count only, never the address's: whoever owns an account must not clear
 * his address's count by signing in to it between guesses at others. A key's count is forgotten after a quiet period
 * without failures (24 h). At most {@code maxKeys} keys are tracked (100,000): when the table is full, the keys whose
 * wait has passed are forgotten, least recently failed first; when none has, a new key is not tracked but treated as
 * waiting the cap, in line with every other key that found no room (failing closed rather than growing).
 *
 * <p>Thread-safe: one lock guards the table, and nobody waits or sleeps while holding it. Time and sleep are given.
 */
public final class SignInThrottle {
    /** The rule's numbers. */
    public record Policy(Duration step, Duration cap, Duration quiet, int maxKeys) {
        public static final Policy DEFAULT =
            new Policy(Duration.ofMillis(10), Duration.ofSeconds(60), Duration.ofHours(24), 100_000);

        public Policy {
            if (!step.isPositive() || cap.compareTo(step) < 0 || quiet.compareTo(cap) < 0 || maxKeys < 2) {
                throw new IllegalArgumentException("need 0 < step <= cap <= quiet and at least 2 keys");
            }
        }
    }

    /** How a caller waits out an attempt's turn; tests advance their clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** What one key's attempts have done lately. Guarded by the throttle's lock. */
    private static final class Entry {
        final String key;
        int failures;
        long lastFailure;
        boolean busy;

        Entry(String key) {
            this.key = key;
        }
    }

    private final long stepNanos;
    private final long capNanos;
    private final long quietNanos;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turnEnded = lock.newCondition();
    /** Tracked keys, least recently failed first (a key in its first attempt counts as failed when it began). */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    /** The one turn shared by the keys that found the table full. */
    private final Entry crowded = new Entry("");
    /** When sweeping the full table may next free room: no idle key's wait passes before. */
    private long nextSweep;
    private int waitingForTurn;

    public SignInThrottle(Policy policy, LongSupplier nanoClock, Sleeper sleeper) {
        this.stepNanos = policy.step().toNanos();
        this.capNanos = policy.cap().toNanos();
        this.quietNanos = policy.quiet().toNanos();
        this.maxKeys = policy.maxKeys();
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.nextSweep = nanoClock.getAsLong();
    }

    /**
     * Waits for the turn of the nick's account and of the address, then until both keys' waits have passed. The
     * caller verifies the password only once this returns, then reports the outcome at once, before answering.
     *
     * @throws InterruptedException while waiting; the turn is given back and nothing is counted
     */
    public Attempt begin(String nick, InetAddress address) throws InterruptedException {
        if (!Limits.isValidNick(nick)) {
            throw new IllegalArgumentException("not a nick");
        }
        String accountKey = "account " + Limits.foldNick(nick);
        String addressKey = "address " + prefixOf(address);
        Entry account;
        Entry source;
        long due;
        lock.lock();
        try {
            while (true) {
                long now = nanoClock.getAsLong();
                account = takeTurn(accountKey, now, null);
                source = account == null ? null : takeTurn(addressKey, now, account);
                if (source != null) {
                    break;
                }
                if (account != null) {
                    account.busy = false;
                    dropIfIdle(account);
                }
                waitingForTurn++;
                try {
                    turnEnded.await();
                } finally {
                    waitingForTurn--;
                }
            }
            long now = nanoClock.getAsLong();
            due = Math.max(dueOf(account, now) - now, dueOf(source, now) - now) + now;
        } finally {
            lock.unlock();
        }
        Attempt attempt = new Attempt(account, source);
        try {
            for (long left = due - nanoClock.getAsLong(); left > 0; left = due - nanoClock.getAsLong()) {
                sleeper.sleep(left);
            }
        } catch (InterruptedException e) {
            attempt.close();
            throw e;
        }
        return attempt;
    }

    /**
     * One attempt's turn: exactly one of {@link #failed} or {@link #succeeded}, or closing it without an outcome when
     * the password was not verified after all. Owned by the thread that began it.
     */
    public final class Attempt implements AutoCloseable {
        private final Entry account;
        private final Entry source;
        private boolean ended;

        private Attempt(Entry account, Entry source) {
            this.account = account;
            this.source = source;
        }

        /** The password was wrong: both keys count a failure. */
        public void failed() {
            end(true, false);
        }

        /** The password was right: the account's count starts again; the address's stays. */
        public void succeeded() {
            end(false, true);
        }

        /** Gives the turn back without an outcome, unless one was given. */
        @Override
        public void close() {
            if (!ended) {
                end(false, false);
            }
        }

        private void end(boolean failed, boolean succeeded) {
            if (ended) {
                throw new IllegalStateException("the attempt already has its outcome");
            }
            ended = true;
            lock.lock();
            try {
                long now = nanoClock.getAsLong();
                for (Entry entry : account == source ? new Entry[] {account} : new Entry[] {account, source}) {
                    entry.busy = false;
                    if (entry == crowded) {
                        continue;
                    }
                    if (failed) {
                        countFailure(entry, now);
                    } else if (succeeded && entry == account) {
                        entry.failures = 0;
                    }
                    long due = dueOf(entry, now);
                    if (due - nextSweep < 0) {
                        nextSweep = due;
                    }
                    dropIfIdle(entry);
                }
                turnEnded.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Keys tracked now; for tests. */
    int tracked() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Attempts waiting for another's turn to end; for tests. */
    int waiting() {
        lock.lock();
        try {
            return waitingForTurn;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the key's turn, on its entry (a new one, or the crowded turn when the table is full), or answers null
     * when another attempt holds it. {@code held} is the turn the attempt took for its other key, if any.
     */
    private Entry takeTurn(String key, long now, Entry held) {
        Entry entry = entries.get(key);
        if (entry == null) {
            if (makeRoom(now)) {
                entry = new Entry(key);
                entries.put(key, entry);
            } else if (held == crowded) {
                return crowded;
            } else {
                entry = crowded;
            }
        } else if (entry.failures > 0 && now - entry.lastFailure >= quietNanos) {
            entry.failures = 0;
        }
        if (entry.busy) {
            return null;
        }
        entry.busy = true;
        return entry;
    }

    /** When the key's next attempt may be verified: the crowded turn always waits the cap. */
    private long dueOf(Entry entry, long now) {
        if (entry == crowded) {
            return now + capNanos;
        }
        if (entry.failures == 0 || now - entry.lastFailure >= quietNanos) {
            return now;
        }
        return entry.lastFailure + Math.min(capNanos, stepNanos * entry.failures);
    }

    private void countFailure(Entry entry, long now) {
        if (entry.failures < Integer.MAX_VALUE) {
            entry.failures++;
        }
        entry.lastFailure = now;
        entries.remove(entry.key);
        entries.put(entry.key, entry);
    }

    /** A key with nothing to remember and no attempt in flight takes no room. */
    private void dropIfIdle(Entry entry) {
        if (entry != null && entry != crowded && !entry.busy && entry.failures == 0) {
            entries.remove(entry.key, entry);
        }
    }

    /**
     * Whether a new key fits. A full table forgets the keys whose wait has passed, least recently failed first, down
     * to 15/16 of its size so that the next sweep is far off; when none can go, it is not swept again before the
     * first wait passes.
     */
    private boolean makeRoom(long now) {
        if (entries.size() < maxKeys) {
            return true;
        }
        if (now - nextSweep < 0) {
            return false;
        }
        int target = maxKeys - Math.max(1, maxKeys / 16);
        long earliest = now + capNanos;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && entries.size() > target; ) {
            Entry entry = it.next();
            if (entry.busy) {
                continue;
            }
            long due = dueOf(entry, now);
            if (due - now <= 0) {
                it.remove();
            } else if (due - earliest < 0) {
                earliest = due;
            }
        }
        // Stopping at the target leaves keys unseen that may go too; a sweep of them all found none before earliest.
        nextSweep = entries.size() > target ? earliest : now;
        return entries.size() < maxKeys;
    }

    /** The address as it is counted: IPv4 whole, IPv6 by its first 64 bits. */
    private static String prefixOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet4Address
            ? address.getHostAddress()
            : HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    }
}
