package chat.chaos;

import chat.bench.Percentiles;
import chat.client.session.ChatSession;
import chat.protocol.ChatEvent;
import chat.protocol.Limits;
import chat.protocol.MessageKey;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a chaos run shows, from every client's record and the history database.
 *
 * <ul>
 *   <li><b>Lost</b>: a message a client said that the database does not hold, or one the database holds that a client
 *       should have been shown and was not: a room's messages from the {@code live} seq of the client's first join
 *       on, and every message of the client's direct conversations.
 *   <li><b>Doubled</b>: a message shown twice to one client, shown under another seq than the log's (a second copy in
 *       Kafka), or stored twice.
 *   <li><b>Out of order</b>: a message of someone else shown after one of a higher seq in the same stream, that is
 *       above what the user saw already. (An own message is shown when its ack comes, which may overtake the
 *       messages below it: that is how every chat shows what one says, and is not counted.) Messages that fill a
 *       gap a rejoin's replay left when the history service could not give it are counted apart, as
 *       <b>filled in</b>: the client said the history was unavailable, and shows them in their place once it is.
 *   <li>Per fault, the <b>stall</b>: for each delivery of a message said from the fault until its window ends, how
 *       much longer it took than the median delivery before the first fault; and the <b>resume</b>: for each client
 *       that lost its gateway in that time, how long from the fault until a gateway welcomed it back.
 * </ul>
 */
record ChaosReport(ChaosSettings settings, String database, int said, int stored, long deliveries, int saidNotStored,
                   int storedNotShown, int doubled, int outOfOrder, int filledIn, double baselineP50, double baselineP99,
                   List<FaultFigures> faults, List<String> problems, List<String> examples, FuzzReport fuzz) {

    /** A fault and what it did: the stall's and the resumes' percentiles, in milliseconds. */
    record FaultFigures(String name, int deliveries, double stallP50, double stallP99, double stallMax, int resumed,
                        int notBack, double resumeP50, double resumeP99, double resumeMax, Map<String, Integer> whys) {}

    /** Reasons for leaving a gateway named in a fault's lines, the most frequent first. */
    private static final int WHYS_NAMED = 6;

    /** A fault of the run: when it began, and when its window of measurement ends ({@link System#nanoTime()}). */
    record Fault(String name, long start, long end) {}

    private static final int EXAMPLES = 10;
    /** Examples of each kind of failure printed. */
    private static final int EXAMPLES_OF_A_KIND = 5;

    /** A percentile in milliseconds, NaN of nothing. */
    private static double millis(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : Percentiles.millis(sorted, p);
    }

    int lost() {
        return saidNotStored + storedNotShown;
    }

    boolean passed() {
        return lost() == 0 && doubled == 0 && outOfOrder == 0 && problems.isEmpty() && (fuzz == null || fuzz.passed());
    }

    /** Only the counts of what was lost: cheap enough to ask again and again while the clients catch up. */
    static int lost(List<ChaosClient> clients, List<ChaosDatabase.Row> rows) {
        Comparison c = new Comparison(clients, rows);
        return c.saidNotStored + c.storedNotShown;
    }

    static ChaosReport of(ChaosSettings settings, String database, List<ChaosClient> clients,
                          List<ChaosDatabase.Row> rows, long calmStart, long calmEnd, List<Fault> faults,
                          List<String> runProblems, FuzzReport fuzz) {
        Comparison c = new Comparison(clients, rows);
        Latencies latencies = new Latencies(clients);
        long[] baseline = latencies.saidBetween(calmStart, calmEnd);
        double baseP50 = millis(baseline, 50);
        double baseP99 = millis(baseline, 99);
        long baseNanos = (long) (baseP50 * 1e6);
        List<FaultFigures> figures = new ArrayList<>();
        for (Fault f : faults) {
            long[] added = Arrays.stream(latencies.saidBetween(f.start(), f.end()))
                .map(l -> Math.max(0, l - baseNanos)).sorted().toArray();
            List<Long> resumes = new ArrayList<>();
            int notBack = 0;
            for (ChaosClient client : clients) {
                for (ChaosClient.Outage o : client.outages()) {
                    if (o.lost() >= f.start() && o.lost() <= f.end()) {
                        if (o.back() == 0) {
                            notBack++;
                        } else {
                            resumes.add(o.back() - f.start());
                        }
                        break;
                    }
                }
            }
            long[] resume = resumes.stream().mapToLong(Long::longValue).sorted().toArray();
            figures.add(new FaultFigures(f.name(), added.length, millis(added, 50),
                millis(added, 99), millis(added, 100), resume.length, notBack,
                millis(resume, 50), millis(resume, 99), millis(resume, 100), whys(clients, f)));
        }
        List<String> problems = new ArrayList<>(runProblems);
        for (ChaosClient client : clients) {
            client.problems().forEach(p -> problems.add(client.nick() + ": " + p));
        }
        int said = clients.stream().mapToInt(ChaosClient::saidCount).sum();
        return new ChaosReport(settings, database, said, c.storedOfClients, latencies.count, c.saidNotStored,
            c.storedNotShown, c.doubled, c.outOfOrder, c.filledIn, baseP50, baseP99, figures, problems, c.examples,
            fuzz);
    }

    /**
     * Why the clients left or gave up on gateways while the fault lasted, counted, the most frequent first; numbers
     * (ports, seconds) are masked so that alike reasons count together.
     */
    private static Map<String, Integer> whys(List<ChaosClient> clients, Fault f) {
        Map<String, Integer> counts = new HashMap<>();
        for (ChaosClient client : clients) {
            for (ChaosClient.Departure d : client.departures()) {
                if (d.at() >= f.start() && d.at() <= f.end()) {
                    counts.merge(d.why().replaceAll("[0-9]+", "#"), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(WHYS_NAMED)
            .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    void print(PrintStream out) {
        out.printf("%n%s chaos run: %d clients, %d rooms, %.0f messages/s (%.0f%% direct); history on %s%n",
            settings.name(), settings.clients(), settings.rooms(), settings.rate(), settings.dmShare() * 100, database);
        out.printf("  said %d, stored %d, delivered %d times to others%n", said, stored, deliveries);
        out.printf("  lost %d (said but not stored %d, stored but not shown %d), doubled %d, out of order %d%n",
            lost(), saidNotStored, storedNotShown, doubled, outOfOrder);
        out.printf("  filled in once the history service could give them (after it said it could not): %d%n",
            filledIn);
        out.printf("  delivery before the first fault: p50 %.1f ms, p99 %.1f ms%n", baselineP50, baselineP99);
        out.printf("  %-44s %10s %9s %9s %9s   %8s %9s %9s %9s%n", "fault", "deliveries", "stall p50", "p99", "max",
            "resumed", "resume p50", "p99", "max");
        for (FaultFigures f : faults) {
            out.printf("  %-44s %10d %7.0f ms %6.0f ms %6.0f ms   %8s %7.0f ms %6.0f ms %6.0f ms%n", f.name(),
                f.deliveries(), f.stallP50(), f.stallP99(), f.stallMax(),
                f.resumed() + (f.notBack() > 0 ? " (" + f.notBack() + " not back)" : ""),
                f.resumeP50(), f.resumeP99(), f.resumeMax());
        }
        for (FaultFigures f : faults) {
            if (!f.whys().isEmpty()) {
                out.printf("  why clients left gateways during \"%s\":%n", f.name());
                f.whys().forEach((why, count) -> out.printf("    %,7d  %s%n", count, why));
            }
        }
        if (!problems.isEmpty()) {
            out.printf("  problems (%d):%n", problems.size());
            problems.stream().limit(EXAMPLES).forEach(p -> out.println("    " + p));
        }
        if (!examples.isEmpty()) {
            out.println("  examples:");
            examples.forEach(e -> out.println("    " + e));
        }
        if (fuzz != null) {
            fuzz.print(out);
        }
        out.println(passed() ? "PASSED: nothing lost, doubled or out of order, and every hostile frame answered as"
            + " documented" : "FAILED");
    }

    /** Every client's record against the database. */
    private static final class Comparison {
        int saidNotStored;
        int storedNotShown;
        int doubled;
        int outOfOrder;
        int filledIn;
        /** The stored messages the clients said (the fuzzer's are stored too). */
        int storedOfClients;
        final List<String> examples = new ArrayList<>();

        Comparison(List<ChaosClient> clients, List<ChaosDatabase.Row> rows) {
            Map<String, List<ChaosDatabase.Row>> byStream = rows.stream()
                .collect(Collectors.groupingBy(ChaosDatabase.Row::stream, TreeMap::new, Collectors.toList()));
            Map<MessageKey, Long> seqOf = new HashMap<>();
            Set<String> nicks = clients.stream().map(ChaosClient::nick).collect(Collectors.toSet());
            Set<String> texts = new HashSet<>();
            for (ChaosDatabase.Row row : rows) {
                seqOf.put(new MessageKey(row.stream(), row.sender(), row.id()), row.seq());
                if (!nicks.contains(row.sender())) {
                    // The fuzzer's: its texts repeat under new ids.
                    continue;
                }
                storedOfClients++;
                if (!texts.add(row.text())) {
                    doubled++;
                    example(Kind.DOUBLED, "stored twice: " + row);
                }
            }
            for (ChaosClient client : clients) {
                for (int n = 0; n < client.saidCount(); n++) {
                    if (!texts.contains(client.nick() + " " + n)) {
                        saidNotStored++;
                        example(Kind.LOST, "said but not stored: " + client.nick() + " " + n);
                    }
                }
                compare(client, byStream, seqOf);
            }
        }

        private void compare(ChaosClient client, Map<String, List<ChaosDatabase.Row>> byStream,
                             Map<MessageKey, Long> seqOf) {
            String me = client.nick();
            Map<String, List<ChaosClient.Shown>> shownIn = client.shown().stream()
                .collect(Collectors.groupingBy(ChaosClient.Shown::stream));
            for (Map.Entry<String, List<ChaosClient.Shown>> e : shownIn.entrySet()) {
                String stream = e.getKey();
                String stored = ChatSession.isConversation(stream) ? ChatEvent.conversationOf(me, stream.substring(1)) : stream;
                Set<MessageKey> seen = new HashSet<>();
                long highest = -1;
                for (ChaosClient.Shown s : e.getValue()) {
                    MessageKey key = new MessageKey(stored, s.from(), s.id());
                    Long logSeq = seqOf.get(key);
                    if (!seen.add(key) || (logSeq != null && logSeq != s.seq())) {
                        doubled++;
                        example(Kind.DOUBLED, me + " was shown twice, or under another seq than the log's: " + s);
                    }
                    if (s.filledIn()) {
                        filledIn++;
                    } else if (!sameNick(s.from(), me)) {
                        if (s.seq() < highest) {
                            outOfOrder++;
                            example(Kind.OUT_OF_ORDER, me + " was shown " + s + " after seq " + highest);
                        }
                        highest = Math.max(highest, s.seq());
                    }
                }
            }
            Map<String, Long> firstLive = client.firstLive();
            for (Map.Entry<String, List<ChaosDatabase.Row>> e : byStream.entrySet()) {
                String stream = e.getKey();
                String shownAs;
                long from;
                if (stream.startsWith("@")) {
                    String[] pair = stream.substring(1).split(":");
                    String folded = Limits.foldNick(me);
                    if (!pair[0].equals(folded) && !pair[1].equals(folded)) {
                        continue;
                    }
                    shownAs = ChatSession.conversationWith(pair[0].equals(folded) ? pair[1] : pair[0]);
                    from = 0;
                } else {
                    Long live = firstLive.get(stream);
                    if (live == null) {
                        continue;
                    }
                    shownAs = stream;
                    from = live;
                }
                Set<MessageKey> seen = new HashSet<>();
                for (ChaosClient.Shown s : shownIn.getOrDefault(shownAs, List.of())) {
                    seen.add(new MessageKey(stream, s.from(), s.id()));
                }
                for (ChaosDatabase.Row row : e.getValue()) {
                    if (row.seq() >= from && !seen.contains(new MessageKey(stream, row.sender(), row.id()))) {
                        storedNotShown++;
                        example(Kind.LOST, me + " was not shown " + row);
                    }
                }
            }
        }

        /** What went wrong, counted apart for the examples, so that many of one kind hide none of another. */
        private enum Kind { LOST, DOUBLED, OUT_OF_ORDER }

        private final Map<Kind, Integer> examplesOf = new EnumMap<>(Kind.class);

        private void example(Kind kind, String what) {
            if (examplesOf.merge(kind, 1, Integer::sum) <= EXAMPLES_OF_A_KIND) {
                examples.add(what);
            }
        }
    }

    private static boolean sameNick(String a, String b) {
        return Limits.foldNick(a).equals(Limits.foldNick(b));
    }

    /** How long each message took from being said to being shown to each other client. */
    private static final class Latencies {
        private final List<long[]> saidAndTaken = new ArrayList<>();
        long count;

        Latencies(List<ChaosClient> clients) {
            Map<String, ChaosClient> byNick = new HashMap<>();
            clients.forEach(c -> byNick.put(c.nick(), c));
            for (ChaosClient client : clients) {
                for (ChaosClient.Shown s : client.shown()) {
                    if (sameNick(s.from(), client.nick())) {
                        continue;
                    }
                    String[] parts = s.text().split(" ");
                    ChaosClient sender = byNick.get(parts[0]);
                    Long saidAt = sender == null || parts.length != 2 ? null : sender.saidAt(Integer.parseInt(parts[1]));
                    if (saidAt != null) {
                        saidAndTaken.add(new long[] {saidAt, s.at() - saidAt});
                        count++;
                    }
                }
            }
        }

        /** The latencies, sorted, of the messages said from {@code start} to {@code end}. */
        long[] saidBetween(long start, long end) {
            return saidAndTaken.stream().filter(l -> l[0] >= start && l[0] <= end).mapToLong(l -> l[1]).sorted().toArray();
        }
    }
}
