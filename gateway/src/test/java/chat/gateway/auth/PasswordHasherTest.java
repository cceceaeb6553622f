package chat.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.auth.PasswordHasher.Parameters;
import chat.testkit.Poll;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Far cheaper than the defaults, so the tests that only take strings apart run fast. */
    private static final Parameters CHEAP = new Parameters(64, 1, 1);
    private static final String WELL_FORMED = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA";

    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom(), 2);
    private final PasswordHasher cheap = cheapHasher(2, PasswordHasher::argon2id);

    @Test
    void aHashVerifiesItsPasswordAndNoOther() throws Exception {
        String phc = hasher.hash("correct horse battery staple", PATIENCE);
        assertTrue(phc.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), phc);
        assertTrue(hasher.verify("correct horse battery staple", phc, PATIENCE));
        assertFalse(hasher.verify("correct horse battery stapler", phc, PATIENCE));
        assertFalse(hasher.verify("", phc, PATIENCE));
    }

    @Test
    void theStringCarriesA16ByteSaltAndA32ByteHashInUnpaddedBase64() throws Exception {
        String[] fields = hasher.hash("secret", PATIENCE).split("\\$");
        assertEquals(6, fields.length);
        assertFalse(fields[4].contains("=") || fields[5].contains("="));
        assertEquals(16, Base64.getDecoder().decode(fields[4]).length);
        assertEquals(32, Base64.getDecoder().decode(fields[5]).length);
    }

    @Test
    void twoHashesOfOnePasswordDifferByTheirSalt() throws Exception {
        String first = cheap.hash("secret", PATIENCE);
        String second = cheap.hash("secret", PATIENCE);
        assertNotEquals(first, second);
        assertTrue(cheap.verify("secret", first, PATIENCE) && cheap.verify("secret", second, PATIENCE));
    }

    @Test
    void verifyUsesTheParametersWrittenInTheString() throws Exception {
        String madeCheaply = cheap.hash("secret", PATIENCE);
        assertTrue(hasher.verify("secret", madeCheaply, PATIENCE), "a hasher with other defaults still checks it");
    }

    @Test
    void onePasswordComposedTwoWaysIsOnePassword() throws Exception {
        String phc = cheap.hash("caf\u00e9", PATIENCE);
        assertTrue(cheap.verify("cafe\u0301", phc, PATIENCE));
    }

    @Test
    void aTamperedHashOrSaltIsRefused() throws Exception {
        String phc = cheap.hash("secret", PATIENCE);
        String[] fields = phc.split("\\$");
        assertFalse(cheap.verify("secret", phc.substring(0, phc.length() - 2) + flip(phc.charAt(phc.length() - 2))
            + phc.charAt(phc.length() - 1), PATIENCE), "hash changed");
        assertFalse(cheap.verify("secret", "$" + fields[1] + "$" + fields[2] + "$" + fields[3] + "$"
            + flip(fields[4].charAt(0)) + fields[4].substring(1) + "$" + fields[5], PATIENCE), "salt changed");
        assertFalse(cheap.verify("secret", phc.replace(",t=1,", ",t=2,"), PATIENCE), "iterations changed");
    }

    /** Each is refused without computing anything: the derivation would fail the test if it were asked. */
    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "secret",
        "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1,keyid=x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA$",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0",
        "$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$c2Fsd-NhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0a$aGFzaGhhc2hoYXNoaGFzaA",
        // memory above 256 MiB, 4 GiB, and beyond an int
        "$argon2id$v=19$m=262145,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        // too little memory for the lanes, no iteration, too many iterations, no lane, too many lanes
        "$argon2id$v=19$m=16,t=1,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=11,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=5$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        // a 7-byte salt, a 15-byte hash, a 65-byte hash
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbA$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFz",
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGg",
    })
    void aMalformedForeignOrAbsurdStringIsRefusedWithoutHashing(String phc) throws Exception {
        PasswordHasher refusing = cheapHasher(1, (parameters, password, salt, bytes) -> {
            throw new AssertionError("derived a hash from " + phc);
        });
        assertFalse(refusing.verify("secret", phc, PATIENCE));
    }

    @Test
    void aStringJustWithinEveryBoundIsComputed() throws Exception {
        AtomicReference<Parameters> asked = new AtomicReference<>();
        PasswordHasher recording = cheapHasher(1, (parameters, password, salt, bytes) -> {
            asked.set(parameters);
            return new byte[bytes];
        });
        String edge = "$argon2id$v=19$m=262144,t=10,p=4$c2FsdHNhbHQ$" + "A".repeat(86);
        assertTrue(recording.verify("secret", edge, PATIENCE), "all-zero hash, as the recording derivation returns");
        assertEquals(new Parameters(262_144, 10, 4), asked.get());
        assertFalse(recording.verify("secret", null, PATIENCE));
        assertFalse(recording.verify("secret", edge + "A".repeat(300), PATIENCE));
    }

    @Test
    void aHashBeyondThePermitsWaitsItsTurnAndNoMoreThanThePermitsRunAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        CountDownLatch twoInside = new CountDownLatch(2);
        PasswordHasher held = cheapHasher(2, (parameters, password, salt, bytes) -> {
            if (inside.incrementAndGet() > 2) {
                inside.decrementAndGet();
                throw new AssertionError("a third hash ran beside two permits");
            }
            twoInside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            inside.decrementAndGet();
            return new byte[bytes];
        });
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                hashes.add(threads.submit(() -> held.hash("secret", PATIENCE)));
            }
            assertTrue(twoInside.await(10, TimeUnit.SECONDS));
            assertThrows(PasswordHasher.Busy.class, () -> held.hash("secret", Duration.ZERO),
                "a third hash beside two permits");
            assertThrows(PasswordHasher.Busy.class,
                () -> held.verify("secret", WELL_FORMED, Duration.ZERO));

            hashes.add(threads.submit(() -> held.hash("secret", PATIENCE)));
            Poll.until("the third hash waits for its turn", Duration.ofSeconds(10), Duration.ofMillis(5),
                held::waiting, waiting -> waiting == 1);
            assertEquals(2, inside.get());
            release.countDown();
            for (Future<String> hash : hashes) {
                assertTrue(hash.get(10, TimeUnit.SECONDS).startsWith("$argon2id$"));
            }
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void parametersVerifyWouldRefuseAreRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(new SecureRandom(), 1,
            new Parameters(512 * 1024, 1, 1), PasswordHasher::argon2id));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(new SecureRandom(), 0));
    }

    private static PasswordHasher cheapHasher(int permits, PasswordHasher.Derivation derivation) {
        return new PasswordHasher(new SecureRandom(), permits, CHEAP, derivation);
    }

    private static char flip(char c) {
        return c == 'A' ? 'B' : 'A';
    }
}
