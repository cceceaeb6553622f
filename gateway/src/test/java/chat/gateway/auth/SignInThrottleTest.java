package chat.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.auth.SignInThrottle.Attempt;
import chat.gateway.auth.SignInThrottle.Policy;
import chat.testkit.Poll;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    private static final long MS = 1_000_000L;
    private static final InetAddress HOME = address("192.0.2.1");

    /** A clock that only sleeping moves, and a record of every sleep. */
    private static final class FakeTime implements SignInThrottle.Sleeper {
        final AtomicLong now = new AtomicLong(1_000 * MS);
        final List<Long> sleeps = new ArrayList<>();
        boolean interruptNextSleep;

        @Override
        public synchronized void sleep(long nanos) throws InterruptedException {
            if (interruptNextSleep) {
                interruptNextSleep = false;
                throw new InterruptedException();
            }
            sleeps.add(nanos);
            now.addAndGet(nanos);
        }

        /** The time slept by the next attempt (0 when it did not sleep). */
        synchronized long sleptBy(ThrowingRun run) throws Exception {
            int before = sleeps.size();
            run.run();
            return sleeps.subList(before, sleeps.size()).stream().mapToLong(Long::longValue).sum();
        }

        void advance(Duration by) {
            now.addAndGet(by.toNanos());
        }
    }

    interface ThrowingRun {
        void run() throws Exception;
    }

    private final FakeTime time = new FakeTime();

    private SignInThrottle throttle(Policy policy) {
        return new SignInThrottle(policy, time.now::get, time);
    }

    @Test
    void eachFailureIsAnsweredLaterThanTheOneBeforeUpToTheCap() throws Exception {
        SignInThrottle throttle = throttle(new Policy(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofHours(24),
            1_000));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(time.sleptBy(() -> throttle.begin("alice", HOME).failed()) / MS);
        }
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L, 50L, 50L), waits);
    }

    @Test
    void fiftyFailuresFromOneAddressTakeOverTwelveSecondsAndTheRightPasswordStillSignsIn() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        long start = time.now.get();
        for (int i = 0; i < 50; i++) {
            throttle.begin("guess" + i, HOME).failed();
        }
        long fiftyAnswered = time.now.get() - start;
        assertEquals(12_250 * MS, fiftyAnswered, "10 ms × (1 + … + 49) before the 50th is verified");

        assertEquals(500 * MS, time.sleptBy(() -> throttle.begin("alice", HOME).succeeded()),
            "the right password after the 50th failure's wait");
    }

    @Test
    void theAccountIsThrottledWhateverAddressGuessesAtIt() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        for (int i = 0; i < 3; i++) {
            throttle.begin("alice", address("198.51.100." + i)).failed();
        }
        assertEquals(30 * MS, time.sleptBy(() -> throttle.begin("ALICE", address("203.0.113.9")).close()),
            "one account, however its nick is cased");
    }

    @Test
    void anIpv6AddressIsCountedByItsSlash64AndIpv4ByTheWholeAddress() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        throttle.begin("alice", address("2001:db8:0:7::1")).failed();
        assertEquals(10 * MS, time.sleptBy(() -> throttle.begin("bob", address("2001:db8:0:7:ffff:ee:dd:cc")).close()),
            "another address of the same /64");
        assertEquals(0, time.sleptBy(() -> throttle.begin("carol", address("2001:db8:0:8::1")).close()),
            "the next /64");

        throttle.begin("dave", address("192.0.2.10")).failed();
        assertEquals(0, time.sleptBy(() -> throttle.begin("erin", address("192.0.2.11")).close()));
    }

    @Test
    void aSuccessResetsTheAccountButNotTheAddress() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        for (int i = 0; i < 3; i++) {
            throttle.begin("victim" + i, HOME).failed();
        }
        throttle.begin("mallory", HOME).succeeded();
        throttle.begin("victim3", HOME).failed();
        assertEquals(40 * MS, time.sleptBy(() -> throttle.begin("victim4", HOME).close()),
            "signing in to an account of one's own clears nothing of the address: the fourth failure in a row");

        throttle.begin("alice", address("198.51.100.1")).failed();
        throttle.begin("alice", address("198.51.100.2")).succeeded();
        assertEquals(0, time.sleptBy(() -> throttle.begin("alice", address("198.51.100.3")).close()),
            "the account starts again after its right password");
    }

    @Test
    void aCountIsForgottenAfterTheQuietPeriodAndNotBefore() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        for (int i = 0; i < 5; i++) {
            throttle.begin("alice", HOME).failed();
        }
        time.advance(Duration.ofHours(24).minusMillis(1));
        throttle.begin("alice", HOME).failed();
        assertEquals(60 * MS, time.sleptBy(() -> throttle.begin("alice", HOME).failed()), "the sixth in a row");

        time.advance(Duration.ofHours(24));
        throttle.begin("alice", HOME).failed();
        assertEquals(10 * MS, time.sleptBy(() -> throttle.begin("alice", HOME).close()), "counting from one again");
    }

    @Test
    void attemptsOfOneAddressWaitInLineOneVerificationAtATime() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Attempt first = throttle.begin("alice", HOME);
            Future<Attempt> second = threads.submit(() -> throttle.begin("bob", HOME));
            Poll.until("the second attempt waits for the first", Duration.ofSeconds(10), Duration.ofMillis(5),
                throttle::waiting, waiting -> waiting == 1);
            assertTrue(!second.isDone());
            first.failed();
            second.get(10, TimeUnit.SECONDS).failed();
            assertEquals(List.of(10 * MS), time.sleeps, "the second was verified the step after the first failed");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anAbandonedOrInterruptedAttemptGivesItsTurnBackAndCountsNothing() throws Exception {
        SignInThrottle throttle = throttle(Policy.DEFAULT);
        try (Attempt abandoned = throttle.begin("alice", HOME)) {
            assertTrue(abandoned != null);
        }
        throttle.begin("alice", HOME).failed();
        time.interruptNextSleep = true;
        assertThrows(InterruptedException.class, () -> throttle.begin("alice", HOME));
        assertEquals(10 * MS, time.sleptBy(() -> throttle.begin("alice", HOME).close()),
            "one failure counted, and the turn is free");
    }

    @Test
    void anAttemptHasOneOutcome() throws Exception {
        Attempt attempt = throttle(Policy.DEFAULT).begin("alice", HOME);
        attempt.failed();
        assertThrows(IllegalStateException.class, attempt::succeeded);
        attempt.close();
    }

    @Test
    void aFullTableMakesNewKeysWaitTheCapInsteadOfGrowing() throws Exception {
        SignInThrottle throttle = throttle(new Policy(Duration.ofMillis(10), Duration.ofSeconds(60), Duration.ofHours(24),
            4));
        throttle.begin("alice", address("198.51.100.1")).failed();
        throttle.begin("bob", address("198.51.100.2")).failed();
        assertEquals(4, throttle.tracked());

        assertEquals(60_000 * MS, time.sleptBy(() -> throttle.begin("carol", address("198.51.100.3")).failed()),
            "no room while every tracked key still waits");
        assertEquals(4, throttle.tracked());

        assertEquals(0, time.sleptBy(() -> throttle.begin("dave", address("198.51.100.4")).failed()),
            "once the waits have passed, the keys that failed longest ago make room");
        assertTrue(throttle.tracked() <= 4);
        assertEquals(10 * MS, time.sleptBy(() -> throttle.begin("dave", address("198.51.100.5")).close()),
            "the new key is tracked");
    }

    @Test
    void aFloodOfNewKeysIntoAFullTableWaitsInLine() throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CompletableFuture<Void> holdCrowded = new CompletableFuture<>();
            SignInThrottle.Sleeper blocked = nanos -> {
                holdCrowded.join();
                time.now.addAndGet(nanos);
            };
            SignInThrottle held = new SignInThrottle(new Policy(Duration.ofMillis(10), Duration.ofSeconds(60),
                Duration.ofHours(24), 2), time.now::get, blocked);
            held.begin("alice", HOME).failed();
            Future<Attempt> first = threads.submit(() -> held.begin("bob", address("198.51.100.1")));
            Future<Attempt> second = threads.submit(() -> held.begin("carol", address("198.51.100.2")));
            Poll.until("one new key waits the cap, the other waits for it", Duration.ofSeconds(10),
                Duration.ofMillis(5), held::waiting, waiting -> waiting == 1);
            assertEquals(2, held.tracked());
            holdCrowded.complete(null);
            first.get(10, TimeUnit.SECONDS).close();
            second.get(10, TimeUnit.SECONDS).close();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aPolicyOutOfOrderIsRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> new Policy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(24), 10));
        assertThrows(IllegalArgumentException.class,
            () -> new Policy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofHours(24), 10));
        assertThrows(IllegalArgumentException.class,
            () -> new Policy(Duration.ofMillis(10), Duration.ofSeconds(60), Duration.ofHours(24), 1));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
