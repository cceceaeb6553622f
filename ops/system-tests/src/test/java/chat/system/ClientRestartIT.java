package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.gateway.Gateway;
import chat.history.HistoryService;
import chat.testkit.TestDatabase;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import com.googlecode.lanterna.input.KeyStroke;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarting the terminal client, as the README's quick start does it: alice and bob on one machine, in one config
 * directory. Each comes back as itself, with its own rooms and its direct conversations and their recent messages;
 * a start without a nick takes the one used last; and a remembered session token resumes a session without two
 * clients of one nick taking it from each other for ever.
 */
class ClientRestartIT {
    @TempDir
    Path dir;

    private HistoryService history;
    private Gateway gateway;
    private String gatewayAddress;

    @BeforeEach
    void start() {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        history = Stack.history(kafka, topic, TestDatabase.sqliteUrl(dir));
        gateway = Stack.gateway(kafka, "gw1", topic, history.port());
        gatewayAddress = "127.0.0.1:" + gateway.port();
    }

    @AfterEach
    void stop() {
        gateway.close();
        history.close();
    }

    private static final String PASSWORD = "correct horse battery";

    private TerminalClient client(String... nick) throws Exception {
        List<String> args = new ArrayList<>(List.of("--gateways", gatewayAddress));
        if (nick.length > 0) {
            args.addAll(List.of("--nick", nick[0]));
        }
        return TerminalClient.start(dir.resolve("home"), args.toArray(String[]::new));
    }

    private static Predicate<String> connected(String nick) {
        return s -> s.startsWith(" " + nick + " ✓ │") && s.split("\n")[0].contains("connected to");
    }

    /** Registers the client's nick with its password: stored conversations are kept for accounts. */
    private static void register(TerminalClient client, String nick) throws Exception {
        client.type("/register\n");
        client.awaitScreen("the first password prompt", s -> s.split("\n")[23].startsWith("new password for " + nick));
        client.type(PASSWORD + "\n");
        client.awaitScreen("the second password prompt", s -> s.split("\n")[23].startsWith("the same password again"));
        client.type(PASSWORD + "\n");
    }

    /** Answers the password prompt of a client that comes back as a registered nick. */
    private static void signIn(TerminalClient client, String nick) throws Exception {
        client.awaitScreen("the password prompt", s -> s.split("\n")[23].startsWith("password for " + nick));
        client.type(PASSWORD + "\n");
    }

    @Test
    void eachNickComesBackAsItselfWithItsRoomsAndConversationsAndNoNickAsTheLastUsed() throws Exception {
        try (TerminalClient alice = client("alice"); TerminalClient bob = client("bob")) {
            alice.awaitScreen("alice connected", s -> s.startsWith(" alice (guest) │"));
            register(alice, "alice");
            alice.awaitScreen("alice registered", connected("alice"));
            alice.type("/join ops\n");
            alice.awaitScreen("ops", s -> s.contains("2 #ops"));
            bob.awaitScreen("bob connected", s -> s.startsWith(" bob (guest) │"));
            register(bob, "bob");
            bob.awaitScreen("bob registered", connected("bob"));
            bob.type("/join random\n");
            bob.awaitScreen("random", s -> s.contains("2 #random"));
            bob.type("/msg alice psst, alice");
            bob.press(TerminalClient.ALT_ENTER);
            bob.type("are you there?\n");
            alice.awaitScreen("the conversation with bob", s -> s.contains("3 @bob"));
            alice.press(new KeyStroke('3', false, true));
            alice.awaitScreen("bob's message of two lines", s -> s.contains("bob psst, alice") && s.contains("are you there?"));
            alice.type("yes!\n");
            bob.awaitScreen("alice's answer", s -> s.contains("alice yes!"));
            assertNull(alice.quit());
            assertNull(bob.quit());
        }

        try (TerminalClient alice = client("alice")) {
            signIn(alice, "alice");
            alice.awaitScreen("alice as herself, with her rooms and her conversation", s -> connected("alice").test(s)
                && s.contains("1 #lobby") && s.contains("2 #ops") && s.contains("3 @bob"));
            assertFalse(alice.screen().contains("#random"), "bob's room is not alice's:\n" + alice.screen());
            alice.press(new KeyStroke('3', false, true));
            alice.awaitScreen("the conversation's recent messages", s -> s.contains("bob psst, alice")
                && s.contains("are you there?") && s.contains("alice yes!"));
            assertNull(alice.quit());
        }

        try (TerminalClient plain = client()) {
            signIn(plain, "alice");
            plain.awaitScreen("the nick used last: alice", connected("alice"));
            assertNull(plain.quit());
        }

        try (TerminalClient bob = client("bob")) {
            signIn(bob, "bob");
            bob.awaitScreen("bob as himself", s -> connected("bob").test(s) && s.contains("1 #lobby")
                && s.contains("2 #random") && s.contains("3 @alice"));
            assertFalse(bob.screen().contains("#ops"), bob.screen());
            assertNull(bob.quit());
        }

        try (TerminalClient plain = client()) {
            signIn(plain, "bob");
            plain.awaitScreen("the nick used last: bob", connected("bob"));
            assertNull(plain.quit());
        }
    }

    @Test
    void aRememberedTokenResumesTheSessionAndTheClientItWasTakenFromStopsRatherThanTakeItBack() throws Exception {
        List<Failover.Gateway> gateways = List.of(new Failover.Gateway("127.0.0.1", gateway.port()));
        Semaphore changes = new Semaphore(0);
        Session first = new Session(changes);
        try (ChatSession alice = new ChatSession("alice", gateways, Clock.systemUTC(), new SplittableRandom(1), first)) {
            alice.start();
            String token = first.token.get(30, TimeUnit.SECONDS);

            Session second = new Session(changes);
            try (ChatSession restarted = new ChatSession("alice", gateways, Clock.systemUTC(), new SplittableRandom(2),
                second, token)) {
                restarted.start();
                assertEquals(token, second.token.get(30, TimeUnit.SECONDS), "the same session, resumed");
                String why = first.refused.get(30, TimeUnit.SECONDS);
                assertTrue(why.contains("took over"), why);

                restarted.join("ops");
                restarted.say("ops", "still mine");
                awaitConfirmed(restarted, changes, "still mine");
                assertFalse(second.refused.isDone(), "the first client did not take the session back");
                assertEquals(new Failover.State.Connected(gateways.getFirst()), second.states.getLast());
            }
        }
    }

    /** What a session tells its listener, as futures and a list to wait on. */
    private static final class Session implements ChatSession.Listener {
        final CompletableFuture<String> token = new CompletableFuture<>();
        final CompletableFuture<String> refused = new CompletableFuture<>();
        final List<Failover.State> states = new CopyOnWriteArrayList<>();
        private final Semaphore changes;

        Session(Semaphore changes) {
            this.changes = changes;
        }

        @Override
        public void welcomed(String given) {
            token.complete(given);
        }

        @Override
        public void refused(String why) {
            refused.complete(why);
        }

        @Override
        public void state(Failover.State state) {
            states.add(state);
        }

        @Override
        public void changed(String stream) {
            changes.release();
        }
    }

    private static void awaitConfirmed(ChatSession session, Semaphore changes, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (session.entries("ops").stream()
            .noneMatch(e -> e.state() == Timeline.State.CONFIRMED && e.text().equals(text))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("never confirmed: " + session.entries("ops"));
            }
            changes.tryAcquire(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }
}
