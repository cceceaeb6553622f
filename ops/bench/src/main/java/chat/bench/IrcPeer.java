package chat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An IRC server beside the chat: Debian's {@code ngircd}, started for the run on a free port of 127.0.0.1 with a
 * configuration of its own (flood penalties off, no limit on connections, per address or joins, no DNS or ident
 * lookups, pings rare), and stopped at the end. Every member registers a nick and joins one channel; a sender says
 * PRIVMSG to the channel. IRC does not send a message back to its sender, so a message makes one delivery fewer than
 * on the chat or NATS.
 */
final class IrcPeer implements FanoutPeer {
    static final String CHANNEL = "#fanout";
    private static final long STARTUP_SECONDS = 30;
    private static final long JOINING_SECONDS = 120;

    private static final byte[] PING = Ascii.bytes("PING");
    private static final byte[] ERROR = Ascii.bytes("ERROR");
    private static final byte[] PRIVMSG = Ascii.bytes(" PRIVMSG " + CHANNEL + " :");
    private static final byte[] CRLF = Ascii.bytes("\r\n");

    private final Process server;
    private final List<Member> members;
    private final List<Receipts> receivers;
    private final Map<String, List<Long>> processes;
    private final Incidents incidents;
    private final String description;

    private IrcPeer(Process server, List<Member> members, List<Receipts> receivers, Incidents incidents,
                    String description) {
        this.server = server;
        this.members = members;
        this.receivers = receivers;
        this.processes = new LinkedHashMap<>(Map.of("ngircd", List.of(server.pid())));
        this.incidents = incidents;
        this.description = description;
    }

    static IrcPeer start(FanoutSettings settings, int steps, StartedProcesses started, Receivers readers, Path dir)
        throws IOException, InterruptedException, Unavailable {
        Path ngircd = Executables.find("ngircd")
            .orElseThrow(() -> new Unavailable("ngircd is not installed: apt-get install ngircd"));
        int port = LocalServices.freePort();
        Path config = dir.resolve("ngircd.conf");
        Files.writeString(config, config(port), StandardCharsets.US_ASCII);
        String check = run(ngircd.toString(), "-t", "-f", config.toString());
        if (check.contains("Unknown") || !check.contains("Ok, dump of your server configuration")) {
            throw new IOException("ngircd refused the configuration " + config + ":\n" + check);
        }
        String version = run(ngircd.toString(), "--version").lines().findFirst().orElse("ngircd").split("-")[0];
        Process server = started.start(List.of(ngircd.toString(), "-n", "-f", config.toString()),
            dir.resolve("ngircd.log"));
        awaitListening(server, port, dir);

        List<Receipts> receivers = new ArrayList<>(settings.members());
        for (int i = 0; i < settings.members(); i++) {
            receivers.add(new Receipts(settings.senders(), steps));
        }
        Incidents incidents = new Incidents();
        List<Member> members = Member.openAll("irc", new int[] {port}, receivers, new Protocol(incidents), readers,
            incidents, JOINING_SECONDS);
        return new IrcPeer(server, members, receivers, incidents,
            version + " (" + ngircd + "), started for the run at 127.0.0.1:" + port + " (pid " + server.pid()
                + "), flood penalties off");
    }

    /** The configuration: see ngircd.conf(5) of ngircd 26. */
    private static String config(int port) {
        return """
            [Global]
            Name = fanout.bench
            Info = chat fan-out bench
            AdminInfo1 = chat fan-out bench
            AdminInfo2 = 127.0.0.1
            AdminEMail = bench@localhost
            Listen = 127.0.0.1
            Ports = %d
            MotdPhrase = fan-out bench
            [Limits]
            MaxConnections = 0
            MaxConnectionsIP = 0
            MaxJoins = 0
            MaxListSize = 100
            MaxNickLength = 20
            # No penalty time: a client's commands are not slowed down, as the chat's limit of 20 frames/s is not reached.
            MaxPenaltyTime = 0
            # Members that only listen say nothing for the whole run; no PING of the server's should fall in a step.
            PingTimeout = 3600
            PongTimeout = 600
            [Options]
            DNS = no
            Ident = no
            PAM = no
            """.formatted(port);
    }

    /** NICK and USER, JOIN once welcomed; then PRIVMSG lines, found by string search, and PONG to every PING. */
    private record Protocol(Incidents incidents) implements Member.Protocol {
        @Override
        public Receivers.LineHandler handshake(Member m) throws IOException {
            String nick = "m" + m.index;
            m.send(Ascii.bytes("NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n"));
            boolean joining = false;
            while (true) {
                String line = m.nextLine(joining ? "the end of " + CHANNEL + "'s names" : "the welcome");
                String[] words = line.split(" ", 3);
                if (line.startsWith("PING")) {
                    m.send(Ascii.bytes("PONG" + line.substring(4) + "\r\n"));
                } else if (line.startsWith("ERROR")
                    || (words.length > 1 && words[1].matches("[45][0-9][0-9]"))) {
                    throw new IOException("member " + m.index + " was refused: " + line);
                } else if (!joining && words.length > 1 && words[1].equals("001")) {
                    m.send(Ascii.bytes("JOIN " + CHANNEL + "\r\n"));
                    joining = true;
                } else if (joining && words.length > 1 && words[1].equals("366")) {
                    return this::line;
                }
            }
        }

        private void line(Member m, long receivedNanos) throws IOException {
            LineReader lines = m.lines;
            int privmsg = lines.indexOf(PRIVMSG);
            if (privmsg >= 0) {
                Payload.record(lines.buffer(), privmsg + PRIVMSG.length, lines.end(), m.receipts, receivedNanos);
            } else if (lines.startsWith(PING)) {
                m.send(Ascii.bytes("PONG" + lines.line().substring(4) + "\r\n"));
            } else if (lines.startsWith(ERROR)) {
                incidents.error("member " + m.index + " got " + lines.line());
            }
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return output;
    }

    private static void awaitListening(Process server, int port, Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("ngircd did not listen on port " + port + "; see " + dir.resolve("ngircd.log"));
                }
            }
            Thread.sleep(100);
        }
    }

    @Override
    public String name() {
        return "IRC (ngircd)";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<Receipts> receivers() {
        return receivers;
    }

    @Override
    public boolean echoesToSender() {
        return false;
    }

    @Override
    public void send(int sender, byte[] payload) throws IOException {
        members.get(sender).send(Ascii.concat(Ascii.bytes("PRIVMSG " + CHANNEL + " :"), payload, CRLF));
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
        server.destroy();
    }
}
