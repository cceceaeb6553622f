package chat.chaos;

import chat.chaos.FuzzExpectation.Match;
import chat.chaos.FuzzFailure.Problem;
import chat.chaos.FuzzSocket.Incoming;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of the fuzzer's connections: it sends its share of the cases one at a time, each paced under the rate limit and
 * answered (or failed) before the next goes, so every frame that comes back belongs to the case in flight. Each time
 * it connects, it sends a case or two before its hello (fields are checked before hello_first), then says hello and
 * joins a room of its own. A documented close (frame_too_large, quit) ends the connection and the next opens; so does a
 * failure, after which the session's state is no longer known. Its cases come from a generator seeded from the run's
 * seed and its number, so a seed replays them. Runs on a thread of its own.
 */
final class FuzzConnection implements Runnable {
    /** Connections in a row that the gateway refuses, or does not let say hello and join, before this one gives up. */
    private static final int CONNECT_ATTEMPTS = 3;
    private static final Duration CONNECT_BACKOFF = Duration.ofSeconds(1);

    private final int number;
    private final int quota;
    private final FuzzSettings settings;
    private final FuzzTarget target;
    private final String tag;
    private final FuzzTally tally;
    private final AtomicBoolean stop;
    private final FuzzCases cases;
    private final FuzzPacer pacer;
    private int sent;

    FuzzConnection(int number, int quota, FuzzSettings settings, FuzzTarget target, String tag, FuzzTally tally,
                   AtomicBoolean stop) {
        this.number = number;
        this.quota = quota;
        this.settings = settings;
        this.target = target;
        this.tag = tag;
        this.tally = tally;
        this.stop = stop;
        this.cases = new FuzzCases(new SplittableRandom(settings.seed() * 1_000_003L + number));
        this.pacer = new FuzzPacer(settings.framesPerSecond());
    }

    /** A verdict on one answer: null when it was the documented one. */
    private record Shortfall(Problem problem, String got) {}

    @Override
    public void run() {
        int generation = 0;
        int failedInARow = 0;
        try {
            while (sent < quota && !stop.get()) {
                generation++;
                FuzzSession session = new FuzzSession("fz" + tag + number + "g" + generation, "fz" + tag + "-" + number);
                FuzzSocket socket;
                try {
                    socket = FuzzSocket.connect(target.host(), target.port());
                } catch (IOException e) {
                    tally.failed(new FuzzFailure(null, Problem.CANNOT_CONNECT, "connect", "", "a connection", e.toString(),
                        replay()));
                    if (++failedInARow >= CONNECT_ATTEMPTS) {
                        return;
                    }
                    Thread.sleep(CONNECT_BACKOFF);
                    continue;
                }
                if (generation > 1) {
                    tally.reconnected();
                }
                boolean opened;
                try (socket) {
                    opened = converse(socket, session);
                }
                // A connection that never gets to say hello and join sends nothing of its share: it must not spin.
                failedInARow = opened ? 0 : failedInARow + 1;
                if (failedInARow >= CONNECT_ATTEMPTS) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A case or two before the hello, the hello and the join, then cases until the connection ends or the share is
     * sent. Whether the connection got as far as the hello and the join, or sent a case before it ended.
     */
    private boolean converse(FuzzSocket socket, FuzzSession session) throws InterruptedException {
        int beforeHello = cases.beforeHello();
        for (int i = 0; i < beforeHello && sent < quota; i++) {
            if (!play(socket, session, cases.next(session))) {
                return true;
            }
        }
        if (sent >= quota) {
            return true;
        }
        if (!open(socket, session)) {
            return beforeHello > 0;
        }
        while (sent < quota && !stop.get()) {
            if (!play(socket, session, cases.next(session))) {
                return true;
            }
        }
        return true;
    }

    /** Says hello and joins the connection's room; false (and a failure counted) when either is not answered so. */
    private boolean open(FuzzSocket socket, FuzzSession session) throws InterruptedException {
        String hello = "{\"type\":\"hello\",\"nick\":\"" + session.nick() + "\",\"version\":1,\"ref\":\"hello\"}\n";
        if (!setUp(socket, session, hello, FuzzExpectation.welcome(session.nick(), "hello"))) {
            return false;
        }
        session.welcome();
        String join = "{\"type\":\"join\",\"room\":\"" + session.room() + "\",\"ref\":\"join\"}\n";
        return setUp(socket, session, join, FuzzExpectation.joined(session.room(), "join"));
    }

    private boolean setUp(FuzzSocket socket, FuzzSession session, String line, FuzzExpectation expect)
        throws InterruptedException {
        FuzzCase step = new FuzzCase(null, line.trim(), FuzzCase.utf8(line), false, 1, expect);
        pacer.await(1);
        Shortfall shortfall;
        try {
            socket.write(step.bytes());
            shortfall = await(socket, expect);
        } catch (IOException e) {
            shortfall = new Shortfall(Problem.UNDOCUMENTED_CLOSE, "writing failed: " + e.getMessage());
        }
        if (shortfall != null) {
            fail(step, shortfall);
            return false;
        }
        session.apply(expect.effect());
        return true;
    }

    /** Sends one case and judges its answer; whether the connection goes on. */
    private boolean play(FuzzSocket socket, FuzzSession session, FuzzCase c) throws InterruptedException {
        sent++;
        pacer.await(c.lines());
        String writeFailure = null;
        try {
            if (c.byteByByte()) {
                socket.writeByteByByte(c.bytes());
            } else {
                socket.write(c.bytes());
            }
        } catch (IOException e) {
            // A gateway that closes on a line over the limit stops reading it: the rest of it cannot be written.
            writeFailure = e.getMessage();
        }
        tally.sent(c);
        Shortfall shortfall = await(socket, c.expect());
        if (shortfall != null) {
            fail(c, writeFailure == null ? shortfall
                : new Shortfall(shortfall.problem(), shortfall.got() + " (writing failed: " + writeFailure + ")"));
            return false;
        }
        tally.answered(c.kind(), c.expect().label());
        session.apply(c.expect().effect());
        return !c.expect().closes();
    }

    /** Reads what comes in until the expected answer is complete, and the close if one is expected. */
    private Shortfall await(FuzzSocket socket, FuzzExpectation expect) throws InterruptedException {
        long deadline = System.nanoTime() + settings.answerDeadline().toNanos();
        List<FuzzExpectation.Step> steps = expect.steps();
        int at = 0;
        while (at < steps.size() || expect.closes()) {
            String waitingFor = at < steps.size() ? steps.get(at).describe() : "the close";
            Incoming in = socket.next(deadline);
            switch (in) {
                case null -> {
                    return new Shortfall(at < steps.size() ? Problem.NO_ANSWER : Problem.NOT_CLOSED,
                        "nothing within " + settings.answerDeadline().toSeconds() + " s while waiting for " + waitingFor);
                }
                case Incoming.End end -> {
                    if (at == steps.size()) {
                        return null;
                    }
                    return new Shortfall(Problem.UNDOCUMENTED_CLOSE, "the connection was " + end.how() + " while waiting for "
                        + waitingFor);
                }
                case Incoming.Garbled garbled -> {
                    return new Shortfall(Problem.NOT_A_FRAME, garbled.problem() + ": " + shorten(garbled.line()));
                }
                case Incoming.Frame frame -> {
                    Match match = at < steps.size() ? steps.get(at).match(frame.json()) : Match.NO;
                    if (match == Match.DONE) {
                        at++;
                    } else if (match == Match.NO) {
                        if (!FuzzExpectation.unasked(frame.json())) {
                            return new Shortfall(Problem.WRONG_ANSWER, shorten(frame.json().toString())
                                + " while waiting for " + waitingFor);
                        }
                        tally.unasked();
                    }
                }
            }
        }
        return null;
    }

    private void fail(FuzzCase c, Shortfall shortfall) {
        String expected = c.expect().label() + ": " + String.join(", ",
            c.expect().steps().stream().map(FuzzExpectation.Step::describe).toList())
            + (c.expect().closes() ? ", then the close" : "");
        tally.failed(new FuzzFailure(c.kind(), shortfall.problem(), c.what(), c.preview(), expected, shortfall.got(),
            replay()));
    }

    private String replay() {
        return "seed " + settings.seed() + ", connection " + number + ", case " + sent;
    }

    private static String shorten(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " characters)";
    }
}
