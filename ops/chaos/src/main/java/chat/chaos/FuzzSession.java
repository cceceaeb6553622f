package chat.chaos;

/**
 * What the fuzzer knows of one connection's session, which decides the answer to a valid frame: its nick and room,
 * whether its hello was welcomed, and whether it is in its room. Not thread-safe: owned by its connection's thread.
 */
final class FuzzSession {
    private final String nick;
    private final String room;
    private boolean welcomed;
    private boolean member;

    FuzzSession(String nick, String room) {
        this.nick = nick;
        this.room = room;
    }

    String nick() {
        return nick;
    }

    String room() {
        return room;
    }

    boolean welcomed() {
        return welcomed;
    }

    boolean member() {
        return member;
    }

    void welcome() {
        welcomed = true;
    }

    void apply(FuzzExpectation.Effect effect) {
        switch (effect) {
            case NONE -> { }
            case JOINED -> member = true;
            case PARTED -> member = false;
        }
    }
}
