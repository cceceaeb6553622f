package chat.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.conversation.Timeline;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signing in, registering and the messages that waited, with a gateway the test plays over a real socket. */
class ChatSessionSignInTest {
    private static final String PASSWORD = "correct horse battery";
    private static final ServerFrame.Welcome AS_ACCOUNT = new ServerFrame.Welcome("alice", "s1", "gw1", true, null);
    private static final ServerFrame.Welcome AS_GUEST = new ServerFrame.Welcome("alice", "s1", "gw1", false, null);

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final Heard heard = new Heard();
    private ChatSession session;

    ChatSessionSignInTest() throws Exception {}

    /** What the session told its listener, in order. */
    private static final class Heard implements ChatSession.Listener {
        final BlockingQueue<String> said = new LinkedBlockingQueue<>();
        final List<String> arrived = new CopyOnWriteArrayList<>();

        @Override
        public void notice(String text) {
            said.add("notice: " + text);
        }

        @Override
        public void credentialsNeeded(String why) {
            said.add("credentials needed: " + why);
        }

        @Override
        public void account(boolean signedIn) {
            said.add("account: " + signedIn);
        }

        @Override
        public void arrived(String stream, Timeline.Entry message) {
            arrived.add(stream + " " + message.text());
            said.add("arrived: " + stream + " " + message.text());
        }

        @Override
        public void refused(String why) {
            said.add("refused: " + why);
        }

        /** Waits for the first thing said that matches, passing over the rest; fails after 10 s. */
        String await(Predicate<String> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                String next = said.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("the session never said what was awaited");
                }
                if (wanted.test(next)) {
                    return next;
                }
            }
        }

        String await(String prefix) throws InterruptedException {
            return await(s -> s.startsWith(prefix));
        }
    }

    private ChatSession start(String token, Credentials credentials) {
        session = new ChatSession("alice", List.of(gateway.address()), Clock.systemUTC(), new SplittableRandom(3), heard,
            token);
        if (credentials != null) {
            session.signIn(credentials);
        }
        session.start();
        return session;
    }

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
        gateway.close();
    }

    @Test
    void aRegisteredNickAsksForThePasswordAndTheNextHelloSignsInWithIt() throws Exception {
        start(null, null);
        ClientFrame.Hello guest = gateway.expect(ClientFrame.Hello.class);
        assertNull(guest.password(), "a guest's hello carries no password");
        gateway.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null));
        assertEquals("credentials needed: alice is registered to an account: type its password to sign in, or quit "
            + "(Ctrl+C) and start with another --nick", heard.await("credentials needed"));
        gateway.expectEnded(1);

        session.signIn(new Credentials.Password(PASSWORD));
        ScriptedGateway.Received signIn = gateway.expectReceived(ClientFrame.Hello.class);
        assertEquals(2, signIn.connection(), "a new connection, once the password is typed");
        assertEquals(PASSWORD, ((ClientFrame.Hello) signIn.frame()).password());
        gateway.send(AS_ACCOUNT);
        assertEquals("account: true", heard.await("account"));
    }

    @Test
    void noGatewayIsAskedWhileThePasswordIsAwaited() throws Exception {
        session = new ChatSession("alice", List.of(gateway.address()), Clock.systemUTC(), new SplittableRandom(3), heard);
        session.signInFirst();
        session.start();
        assertEquals("credentials needed: type the password of alice to sign in", heard.await("credentials needed"));
        session.signIn(new Credentials.Password(PASSWORD));
        ScriptedGateway.Received hello = gateway.expectReceived(ClientFrame.Hello.class);
        assertEquals(1, hello.connection(), "the first connection is the one after the password");
        assertEquals(PASSWORD, ((ClientFrame.Hello) hello.frame()).password());
    }

    @Test
    void aWrongPasswordIsForgottenAndAskedForAgain() throws Exception {
        start(null, new Credentials.Password("not the password"));
        assertEquals("not the password", gateway.expect(ClientFrame.Hello.class).password());
        gateway.send(new ServerFrame.Error(ErrorCode.AUTH_FAILED, "no", null));
        assertEquals("credentials needed: wrong password for alice: type it again", heard.await("credentials needed"));
        gateway.expectEnded(1);
        assertEquals(1, gateway.all().size(), "nothing more is sent until the password is typed again");
    }

    @Test
    void aRefusedTokenAsksForThePasswordInstead() throws Exception {
        start(null, new Credentials.Token("a.b.c"));
        ClientFrame.Hello hello = gateway.expect(ClientFrame.Hello.class);
        assertEquals("a.b.c", hello.token());
        assertNull(hello.password());
        gateway.send(new ServerFrame.Error(ErrorCode.AUTH_FAILED, "no", null));
        assertEquals("credentials needed: the token does not sign in to alice (it may have expired): type the password "
            + "instead", heard.await("credentials needed"));
    }

    @Test
    void aGatewayThatAdmitsNoGuestsAsksForThePassword() throws Exception {
        start(null, null);
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(new ServerFrame.Error(ErrorCode.AUTH_REQUIRED, "accounts only", null));
        assertEquals("credentials needed: this chat admits only accounts: type the password of alice to sign in, or "
            + "quit (Ctrl+C) if alice has no account", heard.await("credentials needed"));
    }

    @Test
    void aResumeCarriesNoPasswordAndOneThatIsNoLongerPossibleSignsInAgainWithoutAsking() throws Exception {
        start(null, new Credentials.Password(PASSWORD));
        assertEquals(PASSWORD, gateway.expect(ClientFrame.Hello.class).password());
        gateway.send(AS_ACCOUNT);
        heard.await("account: true");

        gateway.drop();
        ClientFrame.Hello resume = gateway.expect(ClientFrame.Hello.class);
        assertEquals("s1", resume.session());
        assertNull(resume.password(), "the session token is the proof of a resume");
        gateway.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null));

        ScriptedGateway.Received again = gateway.expectReceived(ClientFrame.Hello.class);
        assertEquals(2, again.connection(), "on the same connection");
        ClientFrame.Hello signIn = (ClientFrame.Hello) again.frame();
        assertEquals(PASSWORD, signIn.password());
        assertNull(signIn.session(), "the stale token is not presented again");
        gateway.send(new ServerFrame.Welcome("alice", "s2", "gw1", true, null));
        heard.await("account: true");
        assertFalse(heard.said.stream().anyMatch(s -> s.startsWith("credentials needed")), "nobody was asked");
    }

    @Test
    void registeringSendsThePasswordAndSignsInWithItAfterAFailover() throws Exception {
        start(null, null);
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(AS_GUEST);
        assertEquals("account: false", heard.await("account"));

        session.register(PASSWORD);
        ClientFrame.Register register = gateway.expect(ClientFrame.Register.class);
        assertEquals(PASSWORD, register.password());
        gateway.send(new ServerFrame.Registered("alice", register.ref()));
        assertEquals("account: true", heard.await("account"));
        assertEquals("notice: alice is registered to your account; sign in with this password from now on",
            heard.await("notice"));

        gateway.drop();
        assertNull(gateway.expect(ClientFrame.Hello.class).password(), "a resume first");
        gateway.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", null));
        assertEquals(PASSWORD, gateway.expect(ClientFrame.Hello.class).password(), "then the registered password");
    }

    @Test
    void aRefusedRegistrationSaysWhyAndWhatToDo() throws Exception {
        start(null, null);
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(AS_GUEST);
        heard.await("account");

        session.register(PASSWORD);
        String ref = gateway.expect(ClientFrame.Register.class).ref();
        gateway.send(new ServerFrame.Error(ErrorCode.NICK_REGISTERED, "registered", ref));
        assertEquals("notice: someone registered alice first, so it cannot be yours: to have an account, start with "
            + "another --nick and /register that", heard.await("notice"));

        session.register("\u0007" + PASSWORD);
        assertEquals("notice: that password cannot be registered (a password holds no control characters): /register "
            + "again with 8 to 256 characters and no control characters", heard.await("notice"));
    }

    @Test
    void whatOnlyAnAccountMayDoIsExplainedToAGuestAndAGuestAsksNoConversationHistory() throws Exception {
        start(null, null);
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(AS_GUEST);
        heard.await("account");
        session.say(ChatSession.conversationWith("bob"), "hi");
        assertEquals("bob", gateway.expect(ClientFrame.Dm.class).to());
        assertFalse(gateway.all().stream().anyMatch(r -> r.frame() instanceof ClientFrame.History),
            "a guest's history would only be refused: " + gateway.all());
        Eventually.shows(session, shown -> shown.entries("@bob").stream()
            .anyMatch(e -> e.text().contains("kept for accounts only")), "that a guest's conversation is not kept");

        gateway.send(new ServerFrame.Error(ErrorCode.AUTH_REQUIRED, "accounts only", null));
        assertEquals("notice: only an account may do that: /register makes alice one, and you stay signed in",
            heard.await("notice"));
    }

    @Test
    void messagesThatWaitedArriveOnceAndAreCountedBySender() throws Exception {
        start(null, new Credentials.Password(PASSWORD));
        gateway.expect(ClientFrame.Hello.class);
        ServerFrame.Dm first = new ServerFrame.Dm("bob", "alice", "are you there?", "b-1", 4, "2026-11-23T10:00:00Z",
            true);
        gateway.send(AS_ACCOUNT, first,
            new ServerFrame.Dm("carol", "alice", "ping me", "c-1", 2, "2026-11-23T10:01:00Z", true),
            new ServerFrame.Dm("bob", "alice", "hello?", "b-2", 5, "2026-11-23T10:02:00Z", true));
        assertEquals("notice: 3 messages waited for you while you were away: 2 from bob, 1 from carol",
            heard.await(s -> s.startsWith("notice: 3 ")));

        gateway.send(first, new ServerFrame.Dm("dave", "alice", "late", "d-1", 1, "2026-11-23T10:03:00Z", true));
        assertEquals("notice: 4 messages waited for you while you were away: 2 from bob, 1 from carol, 1 from dave",
            heard.await(s -> s.startsWith("notice: 4 ")), "the second copy of the first is not counted");
        for (String with : List.of("bob", "carol", "dave")) {
            // Each conversation the messages opened shows its newest page first, and then them.
            ClientFrame.History page = gateway.expect(ClientFrame.History.class);
            assertEquals(with, page.with());
            gateway.send(new ServerFrame.History(null, with, List.of(), false, false, page.ref()));
        }
        heard.await("arrived: @dave late");
        assertEquals(List.of("@bob are you there?", "@bob hello?", "@carol ping me", "@dave late"), heard.arrived,
            "each once: the second copy was dropped");
        Eventually.shows(session, shown -> shown.entries("@bob").size() == 2, "the two messages from bob");
    }

    @Test
    void theGatewayIsToldWhatWaitedOnlyOnceItIsShownAndTheWaitedFrameCame() throws Exception {
        start(null, new Credentials.Password(PASSWORD));
        gateway.expect(ClientFrame.Hello.class);
        gateway.send(AS_ACCOUNT, waiting("bob", "b-1", 4), waiting("carol", "c-1", 2), waiting("bob", "b-2", 5));
        ClientFrame.History bobsPage = gateway.expect(ClientFrame.History.class);
        assertEquals("bob", bobsPage.with());
        gateway.send(new ServerFrame.History(null, "bob", List.of(), false, false, bobsPage.ref()));
        heard.await("arrived: @bob text of b-2");
        // Bob's are shown, but the gateway never said all were out: the connection dies before its waited.
        gateway.drop();

        gateway.expect(ClientFrame.Hello.class);
        gateway.send(AS_ACCOUNT, waiting("bob", "b-1", 4), waiting("bob", "b-2", 5), waiting("carol", "c-1", 2),
            new ServerFrame.Waited(3));
        ClientFrame.History first = gateway.expect(ClientFrame.History.class);
        ClientFrame.History second = gateway.expect(ClientFrame.History.class);
        ClientFrame.History carolsPage = "carol".equals(first.with()) ? first : second;
        ClientFrame.History bobsAgain = carolsPage == first ? second : first;
        // Each conversation's messages are held back until its page is in; carol's page comes first.
        gateway.send(new ServerFrame.History(null, "carol", List.of(), false, false, carolsPage.ref()));
        ScriptedGateway.Received told = gateway.expectReceived(ClientFrame.Received.class);
        assertEquals(new ScriptedGateway.Received(2, new ClientFrame.Received("carol", 2, null)), told,
            "carol's, shown now; not bob's, held back until his page");
        gateway.send(new ServerFrame.History(null, "bob", List.of(), false, false, bobsAgain.ref()));
        assertEquals(new ClientFrame.Received("bob", 5, null), gateway.expect(ClientFrame.Received.class),
            "shown on the connection before: the gateway is told all the same");
        assertEquals(List.of(new ClientFrame.Received("carol", 2, null), new ClientFrame.Received("bob", 5, null)),
            gateway.all().stream().map(ScriptedGateway.Received::frame).filter(f -> f instanceof ClientFrame.Received)
                .toList(), "one frame per conversation, none on the connection that died before its waited");
        assertEquals(List.of("@bob text of b-1", "@bob text of b-2", "@carol text of c-1"), heard.arrived,
            "each shown once");
    }

    private static ServerFrame.Dm waiting(String from, String id, long seq) {
        return new ServerFrame.Dm(from, "alice", "text of " + id, id, seq, "2026-11-23T10:00:00Z", true);
    }
}
