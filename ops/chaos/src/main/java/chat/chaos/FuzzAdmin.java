package chat.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fuzzer asks of the gateway besides its clients' port: its admin port's {@code /health} and the heap its
 * {@code /metrics} report, and a full collection through {@code jcmd}, so that the heap is measured without garbage.
 * Thread-safe.
 */
final class FuzzAdmin {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String USED = "jvm_memory_used_bytes{";
    private static final String MAX = "jvm_memory_max_bytes{";
    private static final Pattern CONNECTIONS = Pattern.compile("\"connections\":(\\d+)");

    private final FuzzTarget target;

    FuzzAdmin(FuzzTarget target) {
        this.target = target;
    }

    /** {@code GET /health}: its status and body; status 0 when the admin port does not answer. */
    record Health(int status, String body) {
        boolean up() {
            return status == 200;
        }

        /** The gateway's open connections, as /health counts them; -1 when it does not say. */
        int connections() {
            Matcher m = CONNECTIONS.matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }
    }

    Health health() throws InterruptedException {
        try {
            HttpResponse<String> response = get("/health");
            return new Health(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Health(0, e.toString());
        }
    }

    boolean alive() {
        return ProcessHandle.of(target.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The heap in use now, all pools together, as {@code /metrics} reports it. */
    long heapUsed() throws IOException, InterruptedException {
        return heapSum(USED, false);
    }

    /** The most heap the gateway may take (its -Xmx): the pools that have a limit, together. */
    long heapMax() throws IOException, InterruptedException {
        return heapSum(MAX, true);
    }

    /** Has the gateway run a full collection ({@code jcmd PID GC.run}), then reads the heap in use. */
    long heapUsedAfterFullCollection() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc = new ProcessBuilder(jcmd, Long.toString(target.pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(gc.getInputStream().readAllBytes());
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            gc.destroyForcibly();
            throw new IOException("jcmd " + target.pid() + " GC.run failed: " + out.trim());
        }
        return heapUsed();
    }

    private long heapSum(String series, boolean positiveOnly) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new IOException("/metrics answered " + response.statusCode());
        }
        long sum = 0;
        boolean any = false;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(series) && line.contains("area=\"heap\"")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (!positiveOnly || value > 0) {
                    sum += (long) value;
                    any = true;
                }
            }
        }
        if (!any) {
            throw new IOException("/metrics holds no " + series + "area=\"heap\"...}");
        }
        return sum;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + target.host() + ":" + target.adminPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
