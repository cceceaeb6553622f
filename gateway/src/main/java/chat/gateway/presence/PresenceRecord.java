package chat.gateway.presence;

import java.util.List;

/**
 * A record on the presence topic. Gateways identify themselves by an {@code incarnation}: a random id per run, so a
 * gateway that restarts under the same name never inherits the leases of its previous run.
 */
public sealed interface PresenceRecord {

    /**
     * Renews the lease of a gateway's incarnation. {@code start} registers an incarnation not yet known; without it, a
     * heartbeat of an unknown (for example lapsed) incarnation changes nothing.
     */
    record Heartbeat(String gateway, String incarnation, boolean start) implements PresenceRecord {}

    /** A gateway stopped cleanly: every session it held is released at once. */
    record Stopped(String gateway, String incarnation) implements PresenceRecord {}

    /**
     * A {@code hello}. {@code session} is the hash of the token the new claim will hold; {@code proof} is the hash of the
     * token the client presented (null when it presented none), which resumes the session that holds it.
     * {@code account} is the account the claiming gateway signed the client in to (its password or token checked), or
     * null for a guest.
     */
    record Claim(String nick, String claim, String session, String proof, String gateway, String incarnation,
                 String account) implements PresenceRecord {
        public Claim(String nick, String claim, String session, String proof, String gateway, String incarnation) {
            this(nick, claim, session, proof, gateway, incarnation, null);
        }
    }

    /**
     * Registers {@code nick} to a new account {@code account} (a random id). {@code credential} is the Argon2id hash of
     * its password (null for an account that signs in with tokens only). {@code claim} names the session that asked,
     * which must hold the nick; null when an operator or a token sign-in registers it.
     */
    record Register(String nick, String account, String credential, String claim) implements PresenceRecord {
        @Override
        public String toString() {
            return "Register[nick=" + nick + ", account=" + account + ", claim=" + claim + "]";
        }
    }

    /** Replaces the credential of {@code nick}'s account {@code account}; the account's session ends. */
    record Passwd(String nick, String account, String credential) implements PresenceRecord {
        @Override
        public String toString() {
            return "Passwd[nick=" + nick + ", account=" + account + "]";
        }
    }

    /** Removes {@code nick}'s account {@code account}; its session ends and the nick is free for anyone. */
    record Unregister(String nick, String account) implements PresenceRecord {}

    /** The session of {@code claim} ended. */
    record Release(String nick, String claim) implements PresenceRecord {}

    /**
     * The session of {@code claim} joined ({@code member}) or left the room of {@code change}, the join or leave on the
     * chat topic that this record follows. It names that one room only, so its size does not grow with the session's
     * rooms; the state applies it to the rooms the session's earlier records left it in.
     */
    record Room(String nick, String claim, RoomChange change, boolean member) implements PresenceRecord {}

    /**
     * The rooms the session of {@code claim} is now a member of, all of them. {@code cause} is the join or leave on the
     * chat topic that this record follows (null in records written before causes were named). Gateways write
     * {@link Room} for a join or leave, and this only after a record of the session may have been lost, to set its
     * rooms right again; older logs hold one of these for every join and leave.
     */
    record Rooms(String nick, String claim, List<String> rooms, RoomChange cause) implements PresenceRecord {
        public Rooms {
            rooms = List.copyOf(rooms);
        }

        public Rooms(String nick, String claim, List<String> rooms) {
            this(nick, claim, rooms, null);
        }
    }

    /** A join or leave of {@code room}, the chat topic's record at offset {@code seq} of the room's partition. */
    record RoomChange(String room, long seq) {}
}
