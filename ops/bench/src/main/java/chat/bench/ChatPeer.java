package chat.bench;

import chat.gateway.GatewayMain;
import chat.history.HistoryMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat as deployed, on the bench's private Kafka broker: the history service (SQLite) and two gateways, each a JVM
 * of its own run from the build's class path, so the bench measures whatever gateway is built. The gateways present
 * the history service's secret, keep their default limits (20 frames/s a connection, 256 connections an address) but
 * for the idle timeout, lifted because the members that only listen send nothing. Members alternate between the
 * gateways; each says {@code hello}, joins the room, and is ready once its (empty) history replay is done.
 */
final class ChatPeer implements FanoutPeer {
    static final String ROOM = "fanout";
    private static final String TOPIC = "fanout-chat";
    private static final String GATEWAY_HEAP = "-Xmx1g";
    private static final String HISTORY_HEAP = "-Xmx512m";
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final long JOINING_SECONDS = 300;

    private static final byte[] MESSAGE = Ascii.bytes("\"type\":\"message\"");
    private static final byte[] TEXT = Ascii.bytes("\"text\":\"");
    private static final byte[] ERROR = Ascii.bytes("\"type\":\"error\"");
    private static final byte[] BYE = Ascii.bytes("\"type\":\"bye\"");
    private static final byte[] SAY_START = Ascii.bytes("{\"type\":\"say\",\"room\":\"" + ROOM + "\",\"text\":\"");

    private final List<Member> members;
    private final List<Receipts> receivers;
    private final Map<String, List<Long>> processes;
    private final Incidents incidents;
    private final int[] counters;

    private ChatPeer(List<Member> members, List<Receipts> receivers, Map<String, List<Long>> processes,
                     Incidents incidents, int senders) {
        this.members = members;
        this.receivers = receivers;
        this.processes = processes;
        this.incidents = incidents;
        this.counters = new int[senders];
    }

    /** Starts the history service and two gateways on {@code kafka}, then brings the members into the room. */
    static ChatPeer start(FanoutSettings settings, int steps, String kafka, long brokerPid, StartedProcesses started,
                          Receivers readers, Path dir) throws IOException, InterruptedException {
        Path secret = dir.resolve("history-secret");
        Files.writeString(secret, HexFormat.of().formatHex(randomBytes(24)),
            StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        int historyPort = LocalServices.freePort();
        int historyAdmin = LocalServices.freePort();
        Process history = startJava(started, dir, "history", HISTORY_HEAP, HistoryMain.class.getName(), List.of(
            "--kafka", kafka, "--topic", TOPIC, "--group", "fanout-history",
            "--db-url", "jdbc:sqlite:" + dir.resolve("history.db"), "--port", Integer.toString(historyPort),
            "--admin-port", Integer.toString(historyAdmin), "--api-secret-file", secret.toString()));
        int[] ports = new int[2];
        List<Long> gatewayPids = new ArrayList<>();
        List<Process> gateways = new ArrayList<>();
        List<Integer> gatewayAdmins = new ArrayList<>();
        for (int g = 0; g < ports.length; g++) {
            ports[g] = LocalServices.freePort();
            int admin = LocalServices.freePort();
            Process gateway = startJava(started, dir, "gateway-" + (g + 1), GATEWAY_HEAP, GatewayMain.class.getName(),
                List.of("--kafka", kafka, "--id", "fanout-gw" + (g + 1), "--host", "127.0.0.1",
                    "--port", Integer.toString(ports[g]), "--admin-port", Integer.toString(admin),
                    "--topic", TOPIC, "--presence-topic", TOPIC + "-presence",
                    "--history-url", "http://127.0.0.1:" + historyPort, "--history-secret-file", secret.toString(),
                    // The members that only listen send nothing for the whole run: none may be closed as idle.
                    "--idle-timeout-ms", "3600000"));
            gateways.add(gateway);
            gatewayAdmins.add(admin);
            gatewayPids.add(gateway.pid());
        }
        // The gateways make the topics; the history service reads them once they exist.
        for (int g = 0; g < gateways.size(); g++) {
            awaitStarted("gateway-" + (g + 1), gateways.get(g), gatewayAdmins.get(g), dir);
        }
        awaitStarted("history", history, historyAdmin, dir);

        List<Receipts> receivers = new ArrayList<>(settings.members());
        for (int i = 0; i < settings.members(); i++) {
            receivers.add(new Receipts(settings.senders(), steps));
        }
        Incidents incidents = new Incidents();
        List<Member> members = Member.openAll("chat", ports, receivers, new Protocol(incidents), readers, incidents,
            JOINING_SECONDS);
        Map<String, List<Long>> processes = new LinkedHashMap<>();
        processes.put("gateways", List.copyOf(gatewayPids));
        processes.put("broker", List.of(brokerPid));
        processes.put("history", List.of(history.pid()));
        return new ChatPeer(members, receivers, processes, incidents, settings.senders());
    }

    /** hello and join; then every line, the bench's messages found by string search. */
    private record Protocol(Incidents incidents) implements Member.Protocol {
        @Override
        public Receivers.LineHandler handshake(Member m) throws IOException {
            m.send(Ascii.bytes("{\"type\":\"hello\",\"nick\":\"m" + m.index + "\",\"version\":1}\n"
                + "{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"ref\":\"j\"}\n"));
            boolean joined = false;
            while (true) {
                String line = m.nextLine("joined and history");
                if (line.contains("\"type\":\"error\"") || line.contains("\"type\":\"bye\"")) {
                    throw new IOException("member " + m.index + " was refused: " + line);
                }
                joined |= line.contains("\"type\":\"joined\"");
                if (joined && line.contains("\"type\":\"history\"") && line.contains("\"more\":false")) {
                    return this::line;
                }
            }
        }

        private void line(Member m, long receivedNanos) {
            LineReader lines = m.lines;
            int text = lines.indexOf(TEXT);
            if (text >= 0 && lines.indexOf(MESSAGE) >= 0) {
                Payload.record(lines.buffer(), text + TEXT.length, lines.end(), m.receipts, receivedNanos);
            } else if (lines.indexOf(ERROR) >= 0 || lines.indexOf(BYE) >= 0) {
                incidents.error("member " + m.index + " got " + lines.line());
            }
        }
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String description() {
        return "2 gateways (" + GATEWAY_HEAP + ", " + members.size() / 2 + " members each), 1 Kafka broker, the history"
            + " service on SQLite, each a process of its own";
    }

    @Override
    public List<Receipts> receivers() {
        return receivers;
    }

    @Override
    public boolean echoesToSender() {
        return true;
    }

    @Override
    public void send(int sender, byte[] payload) throws IOException {
        // The id only has to be unique per sender: the payload's step and counter make it so.
        String id = "b" + sender + "-" + counters[sender]++;
        members.get(sender).send(Ascii.concat(SAY_START, payload, Ascii.bytes("\",\"id\":\"" + id + "\"}\n")));
    }

    @Override
    public Map<String, List<Long>> serverProcesses() {
        return processes;
    }

    @Override
    public Incidents incidents() {
        return incidents;
    }

    @Override
    public void close() {
        members.forEach(Member::close);
    }

    /** A service of ours in a JVM of its own on this bench's class path, its output in {@code dir/NAME.log}. */
    private static Process startJava(StartedProcesses started, Path dir, String name, String heap, String mainClass,
                                     List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn", "-cp", System.getProperty("java.class.path"),
            mainClass));
        command.addAll(args);
        return started.start(command, dir.resolve(name + ".log"));
    }

    private static void awaitStarted(String name, Process process, int adminPort, Path dir)
        throws IOException, InterruptedException {
        LocalServices.awaitHealthy(name, process, adminPort, dir.resolve(name + ".log"), STARTUP);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

}
