package chat.gateway.presence;

import static chat.gateway.presence.PresenceCodec.integer;
import static chat.gateway.presence.PresenceCodec.optionalText;
import static chat.gateway.presence.PresenceCodec.strings;
import static chat.gateway.presence.PresenceCodec.text;

import chat.protocol.Json;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The stored form of a {@link PresenceState.Snapshot} and the presence topic offset it covers: gzip-compressed JSON,
 * {@code {"v":1,"offset":O,"started","lastAppendTime","logTime","leases":[...],"sessions":[...],"accounts":[...]}}.
 * It is written and read as a stream, one lease, session or account at a time, so a snapshot of many sessions never
 * sits in memory as a JSON tree. Equal snapshots encode to equal bytes (rooms are written in order). Thread-safe.
 */
public final class SnapshotCodec {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = Json.mapper().build();

    /** The state after every record of the presence topic below {@code offset}, and none from it on. */
    public record AtOffset(long offset, PresenceState.Snapshot snapshot) {
        public AtOffset {
            if (offset < 0) {
                throw new IllegalArgumentException("a snapshot's offset is 0 or more, not " + offset);
            }
        }
    }

    private SnapshotCodec() {}

    public static byte[] encode(AtOffset stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream zipped = new GZIPOutputStream(bytes, 64 * 1024);
             JsonGenerator out = JSON.createGenerator(zipped)) {
            PresenceState.Snapshot s = stored.snapshot();
            out.writeStartObject();
            out.writeNumberField("v", FORMAT_VERSION);
            out.writeNumberField("offset", stored.offset());
            out.writeBooleanField("started", s.started());
            out.writeNumberField("lastAppendTime", s.lastAppendTime());
            out.writeNumberField("logTime", s.logTime());
            out.writeArrayFieldStart("leases");
            for (PresenceState.Lease lease : s.leases()) {
                out.writeStartObject();
                out.writeStringField("incarnation", lease.incarnation());
                out.writeStringField("gateway", lease.gateway());
                out.writeNumberField("renewedAt", lease.renewedAt());
                out.writeNumberField("registeredAt", lease.registeredAt());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("sessions");
            for (PresenceState.Session session : s.sessions()) {
                out.writeStartObject();
                out.writeStringField("id", session.id());
                out.writeStringField("nick", session.nick());
                out.writeStringField("claim", session.claim());
                out.writeStringField("sessionHash", session.sessionHash());
                out.writeStringField("gateway", session.gateway());
                out.writeStringField("incarnation", session.incarnation());
                if (session.account() != null) {
                    out.writeStringField("account", session.account());
                }
                out.writeArrayFieldStart("rooms");
                for (String room : session.rooms().stream().sorted().toList()) {
                    out.writeString(room);
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("accounts");
            for (PresenceState.Account account : s.accounts()) {
                out.writeStartObject();
                out.writeStringField("id", account.id());
                out.writeStringField("nick", account.nick());
                if (account.credential() != null) {
                    out.writeStringField("credential", account.credential());
                }
                if (account.lapsed() != null) {
                    out.writeStringField("lapsedSession", account.lapsed().sessionHash());
                    out.writeNumberField("lapsedAt", account.lapsed().at());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The snapshot in {@code value}.
     *
     * @throws IllegalArgumentException when the value is not a snapshot of this format
     */
    public static AtOffset decode(byte[] value) {
        try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(value), 64 * 1024);
             JsonParser in = JSON.createParser(unzipped)) {
            expect(in.nextToken(), JsonToken.START_OBJECT);
            Long version = null;
            Long offset = null;
            Boolean started = null;
            Long lastAppendTime = null;
            Long logTime = null;
            List<PresenceState.Lease> leases = null;
            List<PresenceState.Session> sessions = null;
            List<PresenceState.Account> accounts = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken token = in.nextToken();
                switch (field) {
                    case "v" -> version = number(in, token, field);
                    case "offset" -> offset = number(in, token, field);
                    case "started" -> started = bool(token, field);
                    case "lastAppendTime" -> lastAppendTime = number(in, token, field);
                    case "logTime" -> logTime = number(in, token, field);
                    case "leases" -> leases = array(in, token, SnapshotCodec::lease);
                    case "sessions" -> sessions = array(in, token, SnapshotCodec::session);
                    case "accounts" -> accounts = array(in, token, SnapshotCodec::account);
                    default -> in.skipChildren();
                }
            }
            if (version == null || version != FORMAT_VERSION) {
                throw new IllegalArgumentException("presence snapshot of format " + version + ", not " + FORMAT_VERSION);
            }
            if (offset == null || started == null || lastAppendTime == null || logTime == null || leases == null
                || sessions == null || accounts == null) {
                throw new IllegalArgumentException("presence snapshot lacks a field");
            }
            return new AtOffset(offset, new PresenceState.Snapshot(started, lastAppendTime, logTime, leases, sessions,
                accounts));
        } catch (IOException e) {
            throw new IllegalArgumentException("presence snapshot is not gzip-compressed JSON: " + e.getMessage(), e);
        }
    }

    private static PresenceState.Lease lease(JsonNode o) {
        return new PresenceState.Lease(text(o, "incarnation"), text(o, "gateway"), integer(o, "renewedAt"),
            integer(o, "registeredAt"));
    }

    private static PresenceState.Session session(JsonNode o) {
        return new PresenceState.Session(text(o, "id"), text(o, "nick"), text(o, "claim"), text(o, "sessionHash"),
            text(o, "gateway"), text(o, "incarnation"), Set.copyOf(strings(o, "rooms")), optionalText(o, "account"));
    }

    private static PresenceState.Account account(JsonNode o) {
        String lapsedSession = optionalText(o, "lapsedSession");
        PresenceState.Lapsed lapsed = lapsedSession == null ? null
            : new PresenceState.Lapsed(lapsedSession, integer(o, "lapsedAt"));
        return new PresenceState.Account(text(o, "id"), text(o, "nick"), optionalText(o, "credential"), lapsed);
    }

    /** An array of objects, each read as a tree of its own and converted. */
    private static <T> List<T> array(JsonParser in, JsonToken token, Function<JsonNode, T> item) throws IOException {
        expect(token, JsonToken.START_ARRAY);
        List<T> items = new ArrayList<>();
        while (in.nextToken() == JsonToken.START_OBJECT) {
            // Read by this codec's mapper: a parser's own codec is whichever mapper first took the shared factory.
            items.add(item.apply(JSON.readTree(in)));
        }
        expect(in.currentToken(), JsonToken.END_ARRAY);
        return items;
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw new IllegalArgumentException("presence snapshot: " + expected + " expected, not " + token);
        }
    }

    private static long number(JsonParser in, JsonToken token, String field) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException("presence snapshot field " + field + " is not an integer");
        }
        return in.getLongValue();
    }

    private static boolean bool(JsonToken token, String field) {
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw new IllegalArgumentException("presence snapshot field " + field + " is not true or false");
        }
        return token == JsonToken.VALUE_TRUE;
    }
}
