package chat.client.config;

import chat.client.failover.Failover.Gateway;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gateway addresses as people write them, {@code HOST:PORT,HOST:PORT}, with an IPv6 address in brackets
 * ({@code [::1]:7001}); the one parser for flags, variables, {@code client.properties} and {@code state.json}. A
 * {@link Gateway} holds an IPv6 address without its brackets, as {@code java.net} takes it. Stateless.
 */
public final class GatewayAddresses {
    /** Most gateways in one list: a failover list, not a directory. */
    public static final int MAX_GATEWAYS = 32;

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]{1,64})?");

    private GatewayAddresses() {}

    /**
     * {@code HOST:PORT,...}: blanks around entries and empty entries are ignored, a repeated gateway counts once.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code HOST:PORT}, or when none or too many are given
     */
    public static List<Gateway> parseList(String text) {
        Set<Gateway> gateways = new LinkedHashSet<>();
        for (String entry : text.split(",", -1)) {
            if (!entry.isBlank()) {
                gateways.add(parse(entry.strip()));
            }
        }
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("names no gateway; give HOST:PORT,...");
        }
        if (gateways.size() > MAX_GATEWAYS) {
            throw new IllegalArgumentException("names " + gateways.size() + " gateways; at most " + MAX_GATEWAYS);
        }
        return List.copyOf(gateways);
    }

    /** @throws IllegalArgumentException naming the entry when it is not {@code HOST:PORT} */
    public static Gateway parse(String entry) {
        String host;
        String port;
        if (entry.startsWith("[")) {
            int close = entry.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("'" + entry + "' is not [IPV6]:PORT");
            }
            host = entry.substring(1, close);
            port = entry.substring(close + 2);
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + entry + "' does not hold an IPv6 address in its brackets");
            }
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + entry + "' is not HOST:PORT (no port)");
            }
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + entry + "' needs brackets around its IPv6 address, like [::1]:7001");
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + entry + "' is not HOST:PORT (bad host)");
            }
        }
        return new Gateway(host, port(entry, port));
    }

    /** The gateway as {@link #parse} reads it back. */
    public static String format(Gateway gateway) {
        return gateway.host().indexOf(':') >= 0
            ? "[" + gateway.host() + "]:" + gateway.port()
            : gateway.host() + ":" + gateway.port();
    }

    public static String format(List<Gateway> gateways) {
        List<String> entries = new ArrayList<>(gateways.size());
        for (Gateway gateway : gateways) {
            entries.add(format(gateway));
        }
        return String.join(",", entries);
    }

    /** Whether {@link #parse} would give back this gateway from its {@link #format}. */
    public static boolean isValid(Gateway gateway) {
        try {
            return gateway.host() != null && parse(format(gateway)).equals(gateway);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(String entry, String digits) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + entry + "' is not HOST:PORT (the port must be 1 to 65535)");
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("'" + entry + "' is not HOST:PORT (the port must be 1 to 65535)");
        }
        return port;
    }
}
