package chat.bench;

import chat.gateway.presence.PresenceRecord;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The presence records of a cluster that has run for a while, in an order the gateways would have written them: mostly
 * heartbeats of three gateways, and between them the claims of sessions (every one of which wins its nick), their
 * joins and parts of rooms, their releases, and registrations of the nicks some of them hold. Ids, token hashes and
 * password hashes have their real lengths. Seeded, so two runs write the same history. Not thread-safe, but for
 * {@link #heartbeats}, which any thread may ask for.
 */
final class PresenceHistory {
    static final int GATEWAYS = 3;
    /** Sessions held at once, at most; the rooms a session picks from. */
    private static final int SESSIONS = 5_000;
    private static final int ROOMS = 1_000;
    /** Of 1,000 records: claims, room joins and parts, releases and registrations; the rest are heartbeats. */
    private static final int CLAIMS = 10;
    private static final int ROOM_CHANGES = 30;
    private static final int RELEASES = 3;
    private static final int REGISTRATIONS = 1;

    /** A record of the history, and the gateway that wrote it: each gateway's records keep their order. */
    record Written(int gateway, PresenceRecord record) {}

    /** A session the history holds, with the rooms its records put it in. */
    private record Held(String nick, String claim, int gateway, Set<String> rooms) {}

    private final Random random = new Random(42);
    private final String[] incarnations = new String[GATEWAYS];
    private final List<Held> held = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int written;
    private int nextNick;

    PresenceHistory() {
        for (int g = 0; g < GATEWAYS; g++) {
            incarnations[g] = id(16);
        }
    }

    /** The gateways' heartbeats now: what keeps their leases, and their sessions, live. */
    List<PresenceRecord> heartbeats(boolean start) {
        List<PresenceRecord> beats = new ArrayList<>();
        for (int g = 0; g < GATEWAYS; g++) {
            beats.add(new PresenceRecord.Heartbeat(gatewayName(g), incarnations[g], start));
        }
        return beats;
    }

    /** The next record of the history. */
    Written next() {
        Written next = written < GATEWAYS ? new Written(written, heartbeats(true).get(written)) : drawn();
        written++;
        counts.merge(next.record().getClass().getSimpleName().toLowerCase(Locale.ROOT), 1, Integer::sum);
        return next;
    }

    private Written drawn() {
        int dice = random.nextInt(1_000);
        if ((dice -= CLAIMS) < 0) {
            return claim();
        }
        if ((dice -= ROOM_CHANGES) < 0 && !held.isEmpty()) {
            return roomChange();
        }
        if ((dice -= RELEASES) < 0 && !held.isEmpty()) {
            return release();
        }
        if ((dice -= REGISTRATIONS) < 0 && !held.isEmpty()) {
            Held owner = held.get(random.nextInt(held.size()));
            String credential = "$argon2id$v=19$m=19456,t=2,p=1$" + id(16) + "$" + id(32);
            return new Written(owner.gateway(), new PresenceRecord.Register(owner.nick(), id(16), credential,
                owner.claim()));
        }
        int g = random.nextInt(GATEWAYS);
        return new Written(g, new PresenceRecord.Heartbeat(gatewayName(g), incarnations[g], false));
    }

    /** How many records of each type the history has written so far, by type. */
    Map<String, Integer> counts() {
        return counts;
    }

    /** The sessions held now, and the memberships they hold between them. */
    String holdings() {
        return held.size() + " sessions in " + held.stream().mapToInt(h -> h.rooms().size()).sum() + " memberships";
    }

    private Written claim() {
        if (held.size() >= SESSIONS) {
            return release();
        }
        int g = random.nextInt(GATEWAYS);
        Held session = new Held("user" + nextNick++, id(16), g, new HashSet<>());
        held.add(session);
        return new Written(g, new PresenceRecord.Claim(session.nick(), session.claim(), id(32), null, gatewayName(g),
            incarnations[g]));
    }

    private Written roomChange() {
        Held session = held.get(random.nextInt(held.size()));
        boolean join = session.rooms().isEmpty() || random.nextInt(10) < 7;
        String room = join ? "room-" + random.nextInt(ROOMS) : List.copyOf(session.rooms()).get(
            random.nextInt(session.rooms().size()));
        if (join) {
            session.rooms().add(room);
        } else {
            session.rooms().remove(room);
        }
        return new Written(session.gateway(), new PresenceRecord.Room(session.nick(), session.claim(),
            new PresenceRecord.RoomChange(room, 1_000_000L + written), join));
    }

    private Written release() {
        Held released = held.remove(random.nextInt(held.size()));
        return new Written(released.gateway(), new PresenceRecord.Release(released.nick(), released.claim()));
    }

    private static String gatewayName(int g) {
        return "history-gw" + (g + 1);
    }

    /** A random id of {@code bytes} bytes as the gateways write them (base64url, unpadded). */
    private String id(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
