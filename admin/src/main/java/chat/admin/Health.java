package chat.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a service says of itself on {@code GET /health}: whether it does its job (200, else 503), and the facts
 * behind that, written as one JSON object in the order given.
 */
public record Health(boolean up, Map<String, Object> details) {
    public Health {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
