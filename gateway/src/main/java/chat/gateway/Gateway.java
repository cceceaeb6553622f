package chat.gateway;

import chat.protocol.ErrorCode;
import chat.protocol.FrameCodec;
import chat.protocol.ServerFrame;
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
import java.time.Instant;
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
    private final GatewayStats stats = new GatewayStats();
    private final Sessions sessions = new Sessions();
    private final EventLog events;
    private final ClusterPresence presence;
    private final FanOut fanOut;
    private final Commands commands;
    private final ServerSocket server;
    private final AtomicLong connectionIds = new AtomicLong();
    private final ConnectionLimits limits;
    private volatile boolean accepting = true;

    private Gateway(GatewayConfig config, Clock clock) throws IOException, InterruptedException {
        this.config = config;
        this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
        Topics.ensure(config);
        LocalRooms localRooms = new LocalRooms();
        RecentIds recentIds = new RecentIds(config.recentIdsPerRoom(), config.recentIdRooms());
        this.events = new EventLog(config);
        this.presence = new ClusterPresence(config, sessions, localRooms, new SessionTokens(new SecureRandom()));
        presence.start(Duration.ofSeconds(30));
        HistoryReplayer replayer = new HistoryReplayer(new HistoryClient(config.historyUrl(), config.historyTimeout()), stats);
        this.fanOut = new FanOut(config, sessions, localRooms, presence, recentIds, stats, replayer);
        this.commands = new Commands(config.gatewayId(), events, presence, sessions, localRooms, recentIds, stats, clock,
            config.sendTimeout(), replayer, fanOut);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 1024);
        fanOut.start();
        Thread.ofVirtual().name("acceptor-" + config.gatewayId()).start(this::acceptLoop);
    }

    public static Gateway start(GatewayConfig config) throws IOException, InterruptedException {
        return new Gateway(config, Clock.systemUTC());
    }

    public int port() {
        return server.getLocalPort();
    }

    public String id() {
        return config.gatewayId();
    }

    public GatewayStats stats() {
        return stats;
    }

    private void acceptLoop() {
        while (accepting) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (accepting) {
                    log.error("accept failed", e);
                }
                return;
            }
            InetAddress address = socket.getInetAddress();
            stats.connectionOpened();
            if (!limits.tryOpen(address)) {
                Thread.ofVirtual().name("refuse-" + address.getHostAddress()).start(() -> refuse(socket));
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                Connection connection = new Connection(connectionIds.incrementAndGet(), socket, config, commands, stats,
                    () -> limits.closed(address));
                sessions.add(connection);
                if (!accepting) {
                    connection.close(CloseReason.SHUTDOWN, new ServerFrame.Bye("shutdown", null));
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
                stats.connectionClosed(CloseReason.IO_ERROR);
            }
        }
    }

    /** Tells a connection over the limits why it cannot stay, and closes it. */
    private void refuse(Socket socket) {
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
            stats.connectionClosed(CloseReason.TOO_MANY_CONNECTIONS);
        }
    }

    /** Stops accepting, says bye to every client, records their leaving and flushes Kafka, within the shutdown grace. */
    @Override
    public void close() {
        Instant deadline = Instant.now().plus(config.shutdownGrace());
        accepting = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a listening socket only fails if it is closed already.
        }
        for (Connection connection : sessions.all()) {
            connection.close(CloseReason.SHUTDOWN, new ServerFrame.Bye("shutdown", null));
        }
        awaitWritersDone(deadline.minusMillis(1_500));
        events.close(remaining(deadline.minusMillis(500)));
        presence.close();
        fanOut.close();
        log.info("gateway {} stopped", config.gatewayId());
    }

    private void awaitWritersDone(Instant deadline) {
        while (Instant.now().isBefore(deadline) && limits.open() > 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
