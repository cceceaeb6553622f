package chat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fan-out bench's settings, parsed and checked in one place.
 *
 * @param members  the room's members on each system
 * @param senders  how many of them send, sharing the rate
 * @param rates    messages a second, all senders together, one step each
 * @param lowRate  the rate of the step that sets the chat beside raw Kafka
 * @param warmup   the start of each step that is not measured
 * @param duration each step's measured part
 * @param warmupRound how long each system first runs at the top rate, unmeasured, so that a JVM's JIT has compiled
 *                 the paths the top rate makes hot before anything is measured (the compiler's threads otherwise
 *                 spend the first minutes at high rates working, on the CPU the steps measure)
 * @param systems  the systems to run
 */
record FanoutSettings(int members, int senders, List<Integer> rates, int lowRate, Duration warmup, Duration duration,
                      Duration warmupRound, Set<FanoutSettings.Target> systems) {
    /** A chat gateway's default rate limit, frames a second per connection: each sender stays under it. */
    static final int GATEWAY_RATE_LIMIT = 20;

    enum Target {
        CHAT, NATS, IRC, KAFKA;

        String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String USAGE = """
        usage: ops/chat bench fanout [--members N] [--senders S] [--rates R,R,...] [--low-rate R]
                                     [--warmup SECONDS] [--duration SECONDS] [--warmup-round SECONDS]
                                     [--only chat|nats|irc|kafka,...]
          N members in one room on each system (the chat over two gateways, NATS, IRC on ngircd), S of them
          sending R messages a second between them, a step per rate; and the chat beside raw Kafka at the low
          rate. Reports deliveries/s, latency from send to receipt, lost and doubled deliveries, and the
          servers' CPU per delivery.
          --members N      members of the room (default 1000)
          --senders S      members that send, sharing the rate (default 50; R/S must stay under the chat's
                           per-connection limit of 20 frames/s)
          --rates R,...    messages/s of the steps (default 25,50,100,200)
          --low-rate R     messages/s of the chat-beside-raw-Kafka step (default 20)
          --warmup S       seconds at the start of each step that are not measured (default 5)
          --duration S     seconds measured in each step (default 15)
          --warmup-round S seconds each system first runs at the top rate, not measured, so that the JVM's
                           JIT has compiled what the top rate makes hot (default 30; 0 for none)
          --only X,...     run only these of chat, nats, irc, kafka (raw Kafka)
        """;

    /** Parses the command line; {@code null} when it asks for help. */
    static FanoutSettings parse(String[] args) {
        int members = 1000;
        int senders = 50;
        List<Integer> rates = List.of(25, 50, 100, 200);
        int lowRate = 20;
        int warmup = 5;
        int duration = 15;
        int warmupRound = 30;
        Set<Target> systems = EnumSet.allOf(Target.class);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--members" -> members = number(option, value, 2, 50_000);
                case "--senders" -> senders = number(option, value, 1, 50_000);
                case "--rates" -> {
                    rates = new ArrayList<>();
                    for (String rate : value.split(",")) {
                        rates.add(number(option, rate, 1, 1_000_000));
                    }
                }
                case "--low-rate" -> lowRate = number(option, value, 1, 1_000_000);
                case "--warmup" -> warmup = number(option, value, 0, 3600);
                case "--duration" -> duration = number(option, value, 1, 3600);
                case "--warmup-round" -> warmupRound = number(option, value, 0, 3600);
                case "--only" -> {
                    systems = EnumSet.noneOf(Target.class);
                    for (String name : value.split(",")) {
                        systems.add(system(name));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (senders > members) {
            throw new IllegalArgumentException("--senders " + senders + " is more than --members " + members);
        }
        int fastest = Math.max(lowRate, rates.stream().mapToInt(Integer::intValue).max().orElse(0));
        if (systems.contains(Target.CHAT) && fastest > senders * GATEWAY_RATE_LIMIT) {
            throw new IllegalArgumentException(fastest + " messages/s over " + senders + " senders is more than the "
                + GATEWAY_RATE_LIMIT + " frames/s a chat connection may send: give more --senders");
        }
        return new FanoutSettings(members, senders, List.copyOf(rates), lowRate, Duration.ofSeconds(warmup),
            Duration.ofSeconds(duration), Duration.ofSeconds(warmupRound), Set.copyOf(systems));
    }

    /** The top rate of the run, at which the warm-up round runs. */
    int topRate() {
        return Math.max(lowRate, rates.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    /** These settings with the step timing of the warm-up round: all of it warm-up, one second measured. */
    FanoutSettings forWarmupRound() {
        return new FanoutSettings(members, senders, rates, lowRate, warmupRound, Duration.ofSeconds(1), Duration.ZERO,
            systems);
    }

    boolean runs(Target system) {
        return systems.contains(system);
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below, as an out-of-range one is.
        }
        throw new IllegalArgumentException(option + " takes a whole number from " + min + " to " + max + ", not " + value);
    }

    private static Target system(String name) {
        for (Target system : Target.values()) {
            if (system.option().equals(name.trim())) {
                return system;
            }
        }
        throw new IllegalArgumentException("--only takes chat, nats, irc or kafka, not " + name);
    }
}
