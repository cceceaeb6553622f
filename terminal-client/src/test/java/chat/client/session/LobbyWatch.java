package chat.client.session;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A listener that records what a session showed in the lobby, in the order it showed it (the seq of each message,
 * negated for one that filled a gap a replay had left), and every connection state it reported. Thread-safe: the
 * session's thread records, the test's thread reads.
 */
class LobbyWatch implements ChatSession.Listener {
    final BlockingQueue<Long> shown = new LinkedBlockingQueue<>();
    final BlockingQueue<Failover.State> states = new LinkedBlockingQueue<>();

    @Override
    public void state(Failover.State state) {
        states.add(state);
    }

    @Override
    public void shown(String stream, Timeline.Entry message) {
        if (stream.equals("lobby")) {
            shown.add(message.seq());
        }
    }

    @Override
    public void filledIn(String stream, Timeline.Entry message) {
        if (stream.equals("lobby")) {
            shown.add(-message.seq());
        }
    }

    /** Everything shown so far, in order. */
    List<Long> shownSoFar() {
        return List.copyOf(shown);
    }

    /** The newest state reported. */
    Failover.State lastState() {
        return List.copyOf(states).getLast();
    }

    /** The next {@code count} seqs shown, waiting up to 10 s for them. */
    List<Long> next(int count) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Long seq = shown.poll(10, TimeUnit.SECONDS);
            if (seq == null) {
                throw new AssertionError("only " + seqs + " shown within 10 s");
            }
            seqs.add(seq);
        }
        return seqs;
    }

    /** The next state reported, waiting up to 10 s for it. */
    Failover.State nextState() throws InterruptedException {
        Failover.State state = states.poll(10, TimeUnit.SECONDS);
        if (state == null) {
            throw new AssertionError("the session reported no state within 10 s");
        }
        return state;
    }
}
