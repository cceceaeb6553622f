package chat.chaos;

import chat.protocol.LineReader;
import chat.protocol.Limits;
import chat.protocol.ProtocolException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection to a gateway as the fuzzer drives it: bytes out as they are given (whole, or a byte per write),
 * and everything the gateway sends read on a thread of its own into a queue of what came in, ending with how the
 * connection ended. The gateway's lines are parsed as plain JSON, not with the protocol's codec, so that whatever it
 * sends is judged against the documentation and not against the code that wrote it. Thread-safe for one writing
 * thread and the reader.
 */
final class FuzzSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    /** What came in from the gateway. */
    sealed interface Incoming {
        /** A line that is a JSON object with a string {@code type}. */
        record Frame(JsonNode json) implements Incoming {
            String type() {
                return json.get("type").textValue();
            }
        }

        /** A line that is not a frame of the protocol. */
        record Garbled(String line, String problem) implements Incoming {}

        /** The connection ended: {@code how} says whether the gateway closed it, or reset it. */
        record End(String how) implements Incoming {}
    }

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
    private volatile boolean closedHere;

    private FuzzSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread.ofVirtual().name("fuzz-reader").start(this::readLoop);
    }

    static FuzzSocket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            // Every write goes out as its own segment: a frame written a byte at a time reaches the gateway so.
            socket.setTcpNoDelay(true);
            return new FuzzSocket(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes the bytes at once. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes the bytes one per write, each flushed: a line split at every byte. */
    void writeByteByByte(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    /** The next thing that came in, waiting at most until {@code deadlineNanos} ({@link System#nanoTime}); null then. */
    Incoming next(long deadlineNanos) throws InterruptedException {
        return incoming.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The next thing that came in, waiting at most {@code patience}; null then. */
    Incoming next(Duration patience) throws InterruptedException {
        return next(System.nanoTime() + patience.toNanos());
    }

    private void readLoop() {
        String end = "closed by the gateway";
        try {
            LineReader reader = new LineReader(socket.getInputStream(), Limits.MAX_SERVER_LINE_BYTES);
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                incoming.add(parse(line));
            }
        } catch (ProtocolException e) {
            end = "the gateway sent a line that is not UTF-8 or too long: " + e.getMessage();
        } catch (IOException e) {
            end = closedHere ? "closed here" : "reset (" + e.getMessage() + ")";
        } finally {
            incoming.add(new Incoming.End(end));
        }
    }

    private static Incoming parse(String line) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (IOException e) {
            return new Incoming.Garbled(line, "not JSON");
        }
        if (json == null || !json.isObject() || !json.path("type").isTextual()) {
            return new Incoming.Garbled(line, "not an object with a string type");
        }
        return new Incoming.Frame(json);
    }

    @Override
    public void close() {
        closedHere = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing twice is fine.
        }
    }
}
