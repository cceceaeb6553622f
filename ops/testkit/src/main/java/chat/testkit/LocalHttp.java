package chat.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP requests to a service on 127.0.0.1, for tests: a failure to answer fails the test. Thread-safe. */
public final class LocalHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private LocalHttp() {}

    /** {@code GET http://127.0.0.1:PORT/PATH}: the status and the body. */
    public static HttpResponse<String> get(int port, String pathAndQuery) {
        return send("GET", port, pathAndQuery);
    }

    /** A request without a body, of any method, with the headers given as name, value, name, value... */
    public static HttpResponse<String> send(String method, int port, String pathAndQuery, String... headers) {
        URI uri = URI.create("http://127.0.0.1:" + port + pathAndQuery);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(TIMEOUT);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = builder.build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(uri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
