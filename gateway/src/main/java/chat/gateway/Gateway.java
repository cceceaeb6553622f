package chat.gateway;

import chat.admin.AdminServer;
import chat.admin.Health;
import chat.admin.MalformedRecords;
import chat.admin.ServiceMetrics;
import chat.gateway.auth.PasswordHasher;
import chat.gateway.auth.SignInThrottle;
import chat.gateway.auth.TokenVerifier;
import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
import chat.settings.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the listening socket, the Kafka producer and the fan-out. {@link #start} returns once the gateway
 * reads the topic and accepts connections; {@link #close} is the SIGTERM path (stop accepting, say bye, flush Kafka).
 * Thread-safe.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final ServiceMetrics serviceMetrics;
    private final GatewayMetrics metrics;
    private final AdminServer admin;
    private final Sessions sessions = new Sessions();
    private final EventLog events;
    private final ClusterPresence presence;
    private final FanOut fanOut;
    private final Commands commands;
    private final SignIn signIn;
    private final ServerSocket server;
    /** The TLS port's listening socket and what layers TLS over what it accepts; both null without TLS. */
    private final ServerSocket tlsServer;
    private final GatewayTls tls;
    private final AtomicLong connectionIds = new AtomicLong();
    private final ConnectionLimits limits;
    private final Time time;
    private volatile boolean accepting = true;

    private Gateway(GatewayConfig config, Time time) throws IOException, InterruptedException {
        this.config = config;
        this.time = time;
        Clock clock = time.clock();
        this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
        this.serviceMetrics = new ServiceMetrics("gateway", config.gatewayId());
        this.metrics = new GatewayMetrics(serviceMetrics.registry());
        metrics.gaugeConnections(limits::open, this::queuedFrames, this::longestQueue);
        Topics.ensure(config);
        LocalRooms localRooms = new LocalRooms();
        RecentIds recentIds = new RecentIds(config.recentIds());
        this.events = new EventLog(config, metrics);
        RoomMembers roomMembers = new RoomMembers(config.announceLimit());
        SecureRandom random = new SecureRandom();
        SessionTokens tokens = new SessionTokens(random);
        MalformedRecords malformed = new MalformedRecords(serviceMetrics.registry(), config.topic(),
            config.presenceTopic());
        this.presence = new ClusterPresence(config, sessions, localRooms, tokens, malformed, time);
        HistoryClient history = new HistoryClient(config.historyUrl(), config.historyTimeout(), config.historySecret());
        HistoryReplayer replayer = new HistoryReplayer(history, roomMembers, metrics);
        Inbox inbox = new Inbox(history, events, config.gatewayId(), metrics, time);
        // The fan-out fixes where it starts reading before the presence topic is replayed, so the sessions of every
        // join below that start are in the replay.
        this.fanOut = new FanOut(config, sessions, localRooms, presence, roomMembers, recentIds, metrics, malformed,
            replayer, inbox, time);
        replayer.follow(fanOut::nextOffsetOf);
        events.follow(fanOut::partitionCount);
        presence.start(Duration.ofSeconds(30), fanOut::hear, fanOut::openInbox);
        // As many hashes at once as there are cores: a flood of sign-ins then waits its turn instead of starving
        // the fan-out, and holds at most that many hashes' memory.
        int cores = Runtime.getRuntime().availableProcessors();
        SignInThrottle throttle = new SignInThrottle(SignInThrottle.Policy.DEFAULT, time::nanoTime,
            nanos -> time.sleep(Duration.ofNanos(nanos)));
        this.signIn = new SignIn(presence, new PasswordHasher(random, cores), cores, throttle,
            TokenVerifier.from(config.tokens(), clock), tokens, config.guestsAllowed(), config.sendTimeout());
        this.commands = new Commands(config.gatewayId(), events, presence, sessions, localRooms, roomMembers, recentIds,
            metrics, clock, config.sendTimeout(), replayer, fanOut, inbox, signIn, tokens);
        this.tls = config.tls() ? GatewayTls.load(config.tlsCert(), config.tlsKey()) : null;
        this.server = listen(config.port());
        this.tlsServer = config.tls() ? listen(config.tlsPort()) : null;
        fanOut.start(presence.state().sessions());
        this.admin = AdminServer.start(config.adminHost(), config.adminPort(), serviceMetrics.registry(), this::health);
        Thread.ofVirtual().name("acceptor-" + config.gatewayId()).start(() -> acceptLoop(server, null));
        if (tlsServer != null) {
            Thread.ofVirtual().name("tls-acceptor-" + config.gatewayId()).start(() -> acceptLoop(tlsServer, tls));
        }
    }

    private ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), port), 1024);
        return socket;
    }

    public static Gateway start(GatewayConfig config) throws IOException, InterruptedException {
        return start(config, Time.system());
    }

    /**
     * A gateway from its command line alone, the environment aside: how a test or a benchmark starts one in its own
     * JVM.
     */
    public static Gateway start(String... args) throws UsageException, IOException, InterruptedException {
        return start(GatewayConfig.parse(args, Map.of()));
    }

    /** A gateway whose every reading of the time, delayed task and pause is {@code time}'s: a test's, which it steps. */
    static Gateway start(GatewayConfig config, Time time) throws IOException, InterruptedException {
        return new Gateway(config, time);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The TLS port; -1 when the gateway serves no TLS. */
    public int tlsPort() {
        return tlsServer == null ? -1 : tlsServer.getLocalPort();
    }

    public String id() {
        return config.gatewayId();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** This gateway's part in cluster-wide presence, for tests that compare gateways' states. */
    ClusterPresence presence() {
        return presence;
    }

    /** The port of {@code GET /health} and {@code GET /metrics}. */
    public int adminPort() {
        return admin.port();
    }

    /** Up while it accepts connections and its lease on the presence topic is live, so Kafka reads and writes. */
    private Health health() {
        boolean up = accepting && presence.leaseLive();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", up ? "up" : accepting ? "no presence lease" : "stopping");
        details.put("gateway", config.gatewayId());
        details.put("connections", limits.open());
        if (tlsServer != null) {
            details.put("tls_port", tlsServer.getLocalPort());
        }
        return new Health(up, details);
    }

    private int queuedFrames() {
        int queued = 0;
        for (Connection c : sessions.all()) {
            queued += c.queuedFrames();
        }
        return queued;
    }

    private int longestQueue() {
        int longest = 0;
        for (Connection c : sessions.all()) {
            longest = Math.max(longest, c.queuedFrames());
        }
        return longest;
    }

    /**
     * Accepts connections until the gateway stops. With {@code tls}, each socket gets TLS layered over it, but the
     * handshake is left to the connection's reader thread: a client that opens the port and sends nothing, or
     * something that is not TLS, never holds up this thread.
     */
    private void acceptLoop(ServerSocket listening, GatewayTls tls) {
        while (accepting) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                if (accepting) {
                    log.error("accept failed", e);
                }
                return;
            }
            InetAddress address = socket.getInetAddress();
            metrics.connectionOpened();
            if (!limits.tryOpen(address)) {
                Thread.ofVirtual().name("refuse-" + address.getHostAddress()).start(() -> refuse(socket, tls != null));
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                Socket transport = tls == null ? socket : tls.layer(socket);
                Connection connection = new Connection(connectionIds.incrementAndGet(), transport, config, commands,
                    metrics, time, () -> limits.closed(address));
                sessions.add(connection);
                if (!accepting) {
                    connection.bye(CloseReason.SHUTDOWN, null);
                }
                connection.start();
            } catch (IOException e) {
                log.warn("could not set up a connection", e);
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Already gone: nothing left to release.
                }
                limits.closed(address);
                metrics.connectionClosed(CloseReason.IO_ERROR);
            }
        }
    }

    /**
     * Tells a connection over the limits why it cannot stay, and closes it. One on the TLS port is only closed: to
     * tell it, the gateway would first have to spend a handshake on a client it has no room for.
     */
    private void refuse(Socket socket, boolean tls) {
        if (tls) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already gone: nothing left to release.
            }
            metrics.connectionClosed(CloseReason.TOO_MANY_CONNECTIONS);
            return;
        }
        String line = FrameCodec.encode(new ServerFrame.Error(ErrorCode.TOO_MANY_CONNECTIONS,
            "this gateway, or your address, has all the connections it may have; try later or another gateway", null));
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("could not refuse a connection politely: {}", e.toString());
        } finally {
            metrics.connectionClosed(CloseReason.TOO_MANY_CONNECTIONS);
        }
    }

    /** Stops accepting, says bye to every client, records their leaving and flushes Kafka, within the shutdown grace. */
    @Override
    public void close() {
        long deadline = time.nanoTime() + config.shutdownGrace().toNanos();
        accepting = false;
        for (ServerSocket listening : tlsServer == null ? List.of(server) : List.of(server, tlsServer)) {
            try {
                listening.close();
            } catch (IOException ignored) {
                // Closing a listening socket only fails if it is closed already.
            }
        }
        for (Connection connection : sessions.all()) {
            connection.bye(CloseReason.SHUTDOWN, null);
        }
        awaitWritersDone(deadline - Duration.ofMillis(1_500).toNanos());
        events.close(remaining(deadline - Duration.ofMillis(500).toNanos()));
        presence.close();
        fanOut.close();
        signIn.close();
        admin.close();
        serviceMetrics.close();
        log.info("gateway {} stopped", config.gatewayId());
    }

    private void awaitWritersDone(long deadline) {
        while (time.nanoTime() - deadline < 0 && limits.open() > 0) {
            try {
                time.sleep(Duration.ofMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - time.nanoTime()));
    }
}
