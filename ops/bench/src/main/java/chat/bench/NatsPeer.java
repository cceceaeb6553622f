package chat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NATS server beside the chat: the one that answers on 127.0.0.1:4222 if there is one (its process found through its
 * listening socket), otherwise a {@code nats-server} from the PATH started for the run on a free port. Every member
 * subscribes to one subject of this run's own; a sender publishes to it, and gets its own message back too (NATS
 * echoes by default), as a chat sender does.
 */
final class NatsPeer implements FanoutPeer {
    static final int USUAL_PORT = 4222;
    private static final long STARTUP_SECONDS = 30;
    private static final long JOINING_SECONDS = 120;
    private static final Pattern VERSION = Pattern.compile("\"version\":\"([^\"]+)\"");

    private static final byte[] MSG = Ascii.bytes("MSG ");
    private static final byte[] PING = Ascii.bytes("PING");
    private static final byte[] PONG = Ascii.bytes("PONG\r\n");
    private static final byte[] ERR = Ascii.bytes("-ERR");
    private static final byte[] CRLF = Ascii.bytes("\r\n");

    private final List<Member> members;
    private final List<Receipts> receivers;
    private final Map<String, List<Long>> processes;
    private final Incidents incidents;
    private final String description;
    private final String subject;

    private NatsPeer(List<Member> members, List<Receipts> receivers, long pid, Incidents incidents, String description,
                     String subject) {
        this.members = members;
        this.receivers = receivers;
        this.processes = new LinkedHashMap<>(Map.of("nats-server", List.of(pid)));
        this.incidents = incidents;
        this.description = description;
        this.subject = subject;
    }

    static NatsPeer start(FanoutSettings settings, int steps, StartedProcesses started, Receivers readers, Path dir)
        throws IOException, InterruptedException, Unavailable {
        int port = USUAL_PORT;
        long pid;
        String how;
        Optional<String> info = greeting(port);
        if (info.isPresent()) {
            OptionalLong found = ProcFs.listeningPid(port);
            pid = found.orElse(-1);
            how = "already running at 127.0.0.1:" + port
                + (found.isPresent() ? " (pid " + pid + ")" : ", its process not found: no CPU figures");
        } else {
            Path server = Executables.find("nats-server").orElseThrow(() -> new Unavailable(
                "no NATS server answers on 127.0.0.1:" + USUAL_PORT + " and nats-server is not installed:"
                    + " apt-get install nats-server"));
            port = LocalServices.freePort();
            Process process = started.start(List.of(server.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port)),
                dir.resolve("nats-server.log"));
            info = awaitGreeting(process, port, dir);
            pid = process.pid();
            how = "started for the run at 127.0.0.1:" + port;
        }
        Matcher version = VERSION.matcher(info.get());
        String description = "nats-server " + (version.find() ? version.group(1) : "(version unknown)") + ", " + how;

        String subject = "fanout.bench." + ProcessHandle.current().pid();
        List<Receipts> receivers = new ArrayList<>(settings.members());
        for (int i = 0; i < settings.members(); i++) {
            receivers.add(new Receipts(settings.senders(), steps));
        }
        Incidents incidents = new Incidents();
        List<Member> members = Member.openAll("nats", new int[] {port}, receivers, new Protocol(subject, incidents),
            readers, incidents, JOINING_SECONDS);
        return new NatsPeer(members, receivers, pid, incidents, description, subject);
    }

    /** CONNECT, SUB, and a PING whose PONG says the SUB is in place; then MSG lines, each followed by its payload. */
    private record Protocol(String subject, Incidents incidents) implements Member.Protocol {
        @Override
        public Receivers.LineHandler handshake(Member m) throws IOException {
            String info = m.nextLine("INFO");
            if (!info.startsWith("INFO")) {
                throw new IOException("the NATS server greeted with " + info);
            }
            m.send(Ascii.bytes("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB " + subject + " 1\r\nPING\r\n"));
            while (true) {
                String line = m.nextLine("PONG");
                if (line.startsWith("PONG")) {
                    return new Lines(incidents);
                } else if (line.startsWith("PING")) {
                    m.send(PONG);
                } else if (line.startsWith("-ERR")) {
                    throw new IOException("member " + m.index + " was refused: " + line);
                }
            }
        }

    }

    /** A member's lines after the handshake: a MSG line says the next line is its payload. */
    private static final class Lines implements Receivers.LineHandler {
        private final Incidents incidents;
        private boolean payloadNext;

        Lines(Incidents incidents) {
            this.incidents = incidents;
        }

        @Override
        public void line(Member m, long receivedNanos) throws IOException {
            LineReader lines = m.lines;
            if (payloadNext) {
                Payload.record(lines.buffer(), lines.start(), lines.end(), m.receipts, receivedNanos);
                payloadNext = false;
            } else if (lines.startsWith(MSG)) {
                payloadNext = true;
            } else if (lines.startsWith(PING)) {
                m.send(PONG);
            } else if (lines.startsWith(ERR)) {
                incidents.error("member " + m.index + " got " + lines.line());
            }
        }
    }

    /** The INFO line of the server on {@code port}, if one answers. */
    private static Optional<String> greeting(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(2_000);
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n' && line.length() < 65_536) {
                line.append((char) b);
            }
            return line.toString().startsWith("INFO") ? Optional.of(line.toString().trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> awaitGreeting(Process process, int port, Path dir)
        throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (true) {
            Optional<String> info = greeting(port);
            if (info.isPresent()) {
                return info;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("the nats-server started for the run did not answer on port " + port + "; see "
                    + dir.resolve("nats-server.log"));
            }
            Thread.sleep(100);
        }
    }

    @Override
    public String name() {
        return "NATS";
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
        return true;
    }

    @Override
    public void send(int sender, byte[] payload) throws IOException {
        members.get(sender).send(Ascii.concat(Ascii.bytes("PUB " + subject + " " + payload.length + "\r\n"), payload,
            CRLF));
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
