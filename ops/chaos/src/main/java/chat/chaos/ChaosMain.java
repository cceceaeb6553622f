package chat.chaos;

import chat.bench.ScratchRun;
import java.util.Arrays;

/**
 * {@code ops/chat chaos [--short] [--clients N] [--seed S]}: a {@link ChaosRun}, its report printed; exits 1 when
 * anything was lost, doubled or shown out of order, or a hostile frame was not answered as documented. {@code ops/chat
 * chaos fuzz ...} is the {@link FuzzMain} alone.
 */
public final class ChaosMain {
    private static final String USAGE = """
        usage: ops/chat chaos [--short] [--clients N] [--seed S]
               ops/chat chaos fuzz [--frames N] [--connections N] [--seed S]
          --short      100 clients, each fault once, a few minutes (what CI runs)
          --clients N  this many clients instead (the rate scales with them)
          --seed S     the seed of every random choice (default 1)
        """;

    private ChaosMain() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("fuzz")) {
            FuzzMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        boolean quick = false;
        Integer clients = null;
        long seed = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> quick = true;
                    case "--clients" -> clients = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.print("ops/chat chaos: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        ChaosSettings base = quick ? ChaosSettings.quick(seed) : ChaosSettings.full(seed);
        ChaosSettings settings = clients == null ? base : base.withClients(clients);
        ScratchRun.runAndExit("chaos", (started, dir) -> {
            ChaosReport report = ChaosRun.run(settings, dir, started, System.out);
            report.print(System.out);
            return report.passed() ? 0 : 1;
        });
    }
}
