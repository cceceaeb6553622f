package chat.client.session;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Waits, up to 10 s, for what a session shows to hold something: its snapshot is taken at the end of each turn. */
final class Eventually {
    private Eventually() {}

    static ChatSession.Shown shows(ChatSession session, Predicate<ChatSession.Shown> holds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ChatSession.Shown shown = session.shown();
        while (!holds.test(shown)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the session never showed " + what + " within 10 s; it shows " + shown.entries());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            shown = session.shown();
        }
        return shown;
    }
}
