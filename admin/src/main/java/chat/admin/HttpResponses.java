package chat.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one way our HTTP ports (the admin port, the history API) answer a request on the JDK's server: the whole body
 * encoded as UTF-8 first, so its length goes out as {@code Content-Length} and a client never reads a chunked answer,
 * and the content type set with it. Stateless and thread-safe.
 */
public final class HttpResponses {
    /** JSON, as every JSON answer of ours is sent: UTF-8, and said so. */
    public static final String JSON = "application/json; charset=utf-8";

    private HttpResponses() {}

    /** Sends {@code status} and {@code body} as {@code contentType}; the response is complete when this returns. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends {@code status} and the JSON text {@code json}. */
    public static void json(HttpExchange exchange, int status, String json) throws IOException {
        respond(exchange, status, JSON, json);
    }
}
