package chat.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Prints the fan-out bench's tables: a table per rate, a row per system, then the chat's figures over its peers'. */
final class FanoutReport {
    private static final String ROW = "%-13s %9s %11s %7s %7s %7s %8s %7s %7s %6s %7s %7s %7s %6s %7s %5s%n";

    private final PrintStream out;

    FanoutReport(PrintStream out) {
        this.out = out;
    }

    void print(FanoutSettings settings, int lowRate, List<FanoutStep.Result> results) {
        out.println();
        out.println("""
            p50..max: latency in ms from send to receipt, of the messages sent after the warm-up
            lost, doubled: deliveries of the step's messages that never came (after up to %d s of drain), or came twice
            errors: error frames, failed sends and connections lost
            server, broker, history: CPU us per delivery in the measured time (/proc/PID/stat, utime+stime) of the
              server (the chat's two gateways together, nats-server, ngircd; for raw Kafka the broker), of the
              chat's Kafka broker and of its history service
            cores: the server's CPU seconds per second; client: the bench's own JVM (all members' reading and the
              sending), CPU us per delivery; load: the 1-minute load average at the end of the measured time"""
            .formatted(FanoutStep.DRAIN_SECONDS));
        Map<Integer, List<FanoutStep.Result>> byRate = new LinkedHashMap<>();
        for (FanoutStep.Result r : results) {
            byRate.computeIfAbsent(r.rate(), rate -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<Integer, List<FanoutStep.Result>> rate : byRate.entrySet()) {
            out.println();
            out.printf("%d messages/s%s, %d senders (%s/s each)%n", rate.getKey(),
                rate.getKey() == lowRate && rate.getValue().stream().anyMatch(r -> r.system().equals("raw Kafka"))
                    ? " (the chat beside raw Kafka)" : "",
                settings.senders(), number(rate.getKey() / (double) settings.senders(), 2));
            out.printf(ROW, "system", "offered/s", "delivered/s", "p50", "p99", "p99.9", "max", "lost", "doubled",
                "errors", "server", "broker", "history", "cores", "client", "load");
            for (FanoutStep.Result r : rate.getValue()) {
                List<Double> cpu = new ArrayList<>(r.cpuMicros().values());
                boolean rawKafka = r.system().equals("raw Kafka");
                out.printf(ROW, r.system(), whole(r.offeredPerSecond()), whole(r.deliveredPerSecond()),
                    number(r.latency().p50(), 2), number(r.latency().p99(), 2), number(r.latency().p999(), 2),
                    number(r.latency().max(), 2), r.lost(), r.doubled(), r.incidents(),
                    number(cpu.getFirst(), 2), rawKafka || cpu.size() < 2 ? "-" : number(cpu.get(1), 2),
                    cpu.size() < 3 ? "-" : number(cpu.get(2), 2), number(r.serverCores(), 2),
                    number(r.clientMicros(), 2), number(r.load(), 1));
            }
        }
        printRatios(byRate, lowRate);
    }

    private void printRatios(Map<Integer, List<FanoutStep.Result>> byRate, int lowRate) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<Integer, List<FanoutStep.Result>> rate : byRate.entrySet()) {
            Optional<FanoutStep.Result> chat = find(rate.getValue(), "chat");
            Optional<FanoutStep.Result> nats = find(rate.getValue(), "NATS");
            Optional<FanoutStep.Result> irc = find(rate.getValue(), "IRC (ngircd)");
            Optional<FanoutStep.Result> kafka = find(rate.getValue(), "raw Kafka");
            if (chat.isEmpty()) {
                continue;
            }
            List<String> parts = new ArrayList<>();
            nats.ifPresent(n -> {
                parts.add("p99 chat/NATS " + times(chat.get().latency().p99(), n.latency().p99()));
                parts.add("CPU per delivery gateways/nats-server " + times(firstCpu(chat.get()), firstCpu(n)));
            });
            irc.ifPresent(i -> {
                parts.add("p99 chat/IRC " + times(chat.get().latency().p99(), i.latency().p99()));
                parts.add("CPU per delivery gateways/ngircd " + times(firstCpu(chat.get()), firstCpu(i)));
            });
            if (rate.getKey() == lowRate) {
                kafka.ifPresent(k -> parts.add("p99 chat/raw Kafka " + times(chat.get().latency().p99(),
                    k.latency().p99()) + " (p50 " + times(chat.get().latency().p50(), k.latency().p50()) + ")"));
            }
            if (!parts.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "%5d messages/s: %s", rate.getKey(), String.join(", ", parts)));
            }
        }
        if (!lines.isEmpty()) {
            out.println();
            out.println("the chat beside its peers, in the same run:");
            lines.forEach(out::println);
        }
    }

    private static Optional<FanoutStep.Result> find(List<FanoutStep.Result> results, String system) {
        return results.stream().filter(r -> r.system().equals(system)).findFirst();
    }

    private static double firstCpu(FanoutStep.Result r) {
        return r.cpuMicros().values().iterator().next();
    }

    private static String times(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.1fx", a / b);
    }

    static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "-"
            : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String whole(double value) {
        return number(value, 0);
    }
}
