package chat.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat as deployed ({@link ChatServices}), on the bench's private Kafka broker: the history service and two
 * gateways with their default limits (20 frames/s a connection, 256 connections an address). Members alternate between
 * the gateways; each says {@code hello}, joins the room, and is ready once its (empty) history replay is done.
 */
final class ChatPeer implements FanoutPeer {
    static final String ROOM = "fanout";
    private static final String TOPIC = "fanout-chat";
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
        ChatServices services = ChatServices.start(kafka, TOPIC, 2, List.of(), started, dir);
        List<Receipts> receivers = new ArrayList<>(settings.members());
        for (int i = 0; i < settings.members(); i++) {
            receivers.add(new Receipts(settings.senders(), steps));
        }
        Incidents incidents = new Incidents();
        List<Member> members = Member.openAll("chat", services.ports(), receivers, new Protocol(incidents), readers, incidents,
            JOINING_SECONDS);
        Map<String, List<Long>> processes = new LinkedHashMap<>();
        processes.put("gateways", services.gatewayPids());
        processes.put("broker", List.of(brokerPid));
        processes.put("history", List.of(services.historyPid()));
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
        return "2 gateways (-Xmx1g, " + members.size() / 2 + " members each), 1 Kafka broker, the history"
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
}
