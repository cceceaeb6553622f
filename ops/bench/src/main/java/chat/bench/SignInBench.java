package chat.bench;

import chat.gateway.auth.PasswordHasher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * What one password sign-in costs: N hashes and N verifications, one at a time, with the gateway's own
 * {@link PasswordHasher} and its default parameters, each timed as CPU time of its thread and as wall time. The first
 * {@link #WARMUP} of each are a warm-up and are not counted.
 */
public final class SignInBench {
    private static final int WARMUP = 20;
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    private SignInBench() {}

    public static void main(String[] args) throws Exception {
        int operations = 200;
        if (args.length > 1 || (args.length == 1 && !args[0].matches("[1-9][0-9]{0,5}"))) {
            System.out.println("usage: ops/chat bench signin [N]   (default 200)");
            return;
        }
        if (args.length == 1) {
            operations = Integer.parseInt(args[0]);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PasswordHasher hasher = new PasswordHasher(new SecureRandom(), 1);
        int total = WARMUP + operations;
        long[] hashCpu = new long[total];
        long[] hashWall = new long[total];
        long[] verifyCpu = new long[total];
        long[] verifyWall = new long[total];
        for (int i = 0; i < total; i++) {
            String password = "correct horse battery staple " + i;
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            String phc = hasher.hash(password, PATIENCE);
            hashCpu[i] = threads.getCurrentThreadCpuTime() - cpu;
            hashWall[i] = System.nanoTime() - wall;

            cpu = threads.getCurrentThreadCpuTime();
            wall = System.nanoTime();
            boolean verified = hasher.verify(password, phc, PATIENCE);
            verifyCpu[i] = threads.getCurrentThreadCpuTime() - cpu;
            verifyWall[i] = System.nanoTime() - wall;
            if (!verified) {
                throw new IllegalStateException("a password did not verify against its own hash");
            }
        }
        System.out.printf("Argon2id m=%d KiB, t=%d, p=%d, %d-byte salt, %d-byte hash (the gateway's defaults);"
                + " %d of each, one at a time, after %d of warm-up, on %d cores%n%n", PasswordHasher.MEMORY_KIB,
            PasswordHasher.ITERATIONS, PasswordHasher.LANES, PasswordHasher.SALT_BYTES, PasswordHasher.HASH_BYTES,
            operations, WARMUP, Runtime.getRuntime().availableProcessors());
        Percentiles.header("operation (ms)");
        Percentiles.report("hash, CPU time of its thread", hashCpu, WARMUP);
        Percentiles.report("hash, wall time", hashWall, WARMUP);
        Percentiles.report("verify, CPU time of its thread", verifyCpu, WARMUP);
        Percentiles.report("verify, wall time", verifyWall, WARMUP);
    }
}
