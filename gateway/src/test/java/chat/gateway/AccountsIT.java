package chat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.accounts.AccountsMain;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts on two gateways of one cluster: who may hold a registered nick, and how guessing is slowed. */
class AccountsIT {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dir;

    private static String topic;
    private static byte[] tokenKey;
    private static Gateway gw1;
    private static Gateway gw2;
    private static Gateway accountsOnly;

    @BeforeAll
    static void startGateways() throws Exception {
        topic = TestGateway.freshTopic();
        tokenKey = new byte[32];
        new SecureRandom().nextBytes(tokenKey);
        Path secret = Files.write(dir.resolve("jwt-secret"), tokenKey);
        String[] tokens = {"--jwt-hmac-secret-file", secret.toString()};
        gw1 = TestGateway.of("gw1", topic).with(tokens).start(Gateway::start);
        gw2 = TestGateway.of("gw2", topic).with(tokens).start(Gateway::start);
        accountsOnly = TestGateway.of("gw3", topic).with("--guests", "false").start(Gateway::start);
    }

    @AfterAll
    static void stopGateways() {
        gw1.close();
        gw2.close();
        accountsOnly.close();
    }

    private static ServerFrame answer(ChatTestClient client) {
        return client.nextMatching(ServerFrame.class, f -> f instanceof ServerFrame.Welcome
            || f instanceof ServerFrame.Registered || f instanceof ServerFrame.Error);
    }

    private static ErrorCode error(ServerFrame frame) {
        return assertInstanceOf(ServerFrame.Error.class, frame, frame.toString()).code();
    }

    private static ClientFrame.Hello hello(String nick, String password) {
        return new ClientFrame.Hello(nick, 1, null, password, null, null);
    }

    private static ClientFrame.Hello helloWithToken(String nick, String token) {
        return new ClientFrame.Hello(nick, 1, null, null, token, null);
    }

    private static String token(String subject, Instant expires, byte[] key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expires)).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    /** A guest of {@code nick} on gw1 that registers it with {@link #PASSWORD}, then leaves. */
    private static void registerAndLeave(String nick) {
        try (ChatTestClient owner = ChatTestClient.login(gw1.port(), nick)) {
            owner.send(new ClientFrame.Register(PASSWORD, "r"));
            assertEquals(new ServerFrame.Registered(nick, "r"), owner.next(ServerFrame.Registered.class));
            owner.send(new ClientFrame.Quit(null));
            owner.awaitClosed();
        }
    }

    @Test
    void aRegisteredNickIsHeldOnlyWithItsPasswordOnEveryGateway() {
        registerAndLeave("alice");
        for (Gateway gateway : List.of(gw1, gw2, accountsOnly)) {
            try (ChatTestClient guest = ChatTestClient.connect(gateway.port())) {
                guest.send(new ClientFrame.Hello("ALICE", 1, null, null));
                assertEquals(ErrorCode.NICK_REGISTERED, error(answer(guest)), "even where guests are off, the nick's owner is named");
                guest.send(hello("alice", "correct horse battery?"));
                assertEquals(ErrorCode.AUTH_FAILED, error(answer(guest)));
                guest.send(hello("alice", PASSWORD));
                ServerFrame.Welcome welcome = assertInstanceOf(ServerFrame.Welcome.class, answer(guest));
                assertTrue(welcome.account(), "signed in");
                guest.send(new ClientFrame.Register("another password", "again"));
                assertEquals(ErrorCode.NICK_REGISTERED, error(answer(guest)), "an account is registered once");
            }
        }
    }

    @Test
    void aSessionResumesWithItsTokenAndStaysSignedIn() {
        registerAndLeave("dora");
        String token;
        try (ChatTestClient first = ChatTestClient.connect(gw1.port())) {
            first.send(hello("dora", PASSWORD));
            token = assertInstanceOf(ServerFrame.Welcome.class, answer(first)).session();
            try (ChatTestClient resumed = ChatTestClient.connect(gw2.port())) {
                resumed.send(new ClientFrame.Hello("dora", 1, token, null));
                ServerFrame.Welcome welcome = assertInstanceOf(ServerFrame.Welcome.class, answer(resumed));
                assertTrue(welcome.account());
                assertEquals(token, welcome.session());
            }
        }
    }

    @Test
    void signingInRegainsTheNickFromTheAccountsOwnLingeringConnection() {
        registerAndLeave("gus");
        try (ChatTestClient lingering = ChatTestClient.connect(gw1.port())) {
            lingering.send(hello("gus", PASSWORD));
            assertInstanceOf(ServerFrame.Welcome.class, answer(lingering));
            lingering.join("ops");
            try (ChatTestClient regained = ChatTestClient.connect(gw2.port())) {
                regained.send(hello("gus", PASSWORD));
                assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(regained)).account());
                assertEquals(new ServerFrame.Bye("resumed elsewhere", null), lingering.awaitClosed().getLast());
                regained.say("ops", "still a member", "g1");
                assertEquals("still a member", regained.nextMatching(ServerFrame.Message.class, m -> m.id().equals("g1")).text());
            }
        }
    }

    @Test
    void guestsAreTurnedAwayWhereTheOperatorSaysSo() {
        try (ChatTestClient guest = ChatTestClient.connect(accountsOnly.port())) {
            guest.send(new ClientFrame.Hello("walker", 1, null, null));
            assertEquals(ErrorCode.AUTH_REQUIRED, error(answer(guest)));
        }
        try (ChatTestClient elsewhere = ChatTestClient.login(gw1.port(), "walker")) {
            elsewhere.send(new ClientFrame.Quit(null));
            elsewhere.awaitClosed();
        }
    }

    @Test
    void theSameNickRegisteredOnTwoGatewaysAtTheSameInstantHasExactlyOneOwner() throws Exception {
        // gw1's guest registers the nick it holds while gw2 signs a token's subject in for the first time, which
        // registers the nick there: two registrations of one nick from two gateways at once.
        for (int round = 0; round < 20; round++) {
            String nick = "racer" + round;
            String token = token(nick, Instant.now().plusSeconds(300), tokenKey);
            try (ChatTestClient guest = ChatTestClient.login(gw1.port(), nick);
                 ChatTestClient tokenHolder = ChatTestClient.connect(gw2.port())) {
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> senders = new ArrayList<>();
                senders.add(Thread.ofVirtual().start(() -> {
                    awaitQuietly(go);
                    guest.send(new ClientFrame.Register(PASSWORD, null));
                }));
                senders.add(Thread.ofVirtual().start(() -> {
                    awaitQuietly(go);
                    tokenHolder.send(helloWithToken(nick, token));
                }));
                go.countDown();
                for (Thread sender : senders) {
                    sender.join();
                }
                ServerFrame guestAnswer = answer(guest);
                ServerFrame tokenAnswer = answer(tokenHolder);
                boolean guestRegistered = guestAnswer instanceof ServerFrame.Registered;
                // The token's registration wins the nick only by coming first; the guest then is signed out of it
                // and its own registration refused, and the token holder holds the nick once the guest is gone.
                boolean tokenOwns = !guestRegistered;
                assertTrue(guestRegistered ^ tokenOwns, "round " + round);
                if (guestRegistered) {
                    assertEquals(ErrorCode.NICK_TAKEN, error(tokenAnswer), "round " + round + ": " + tokenAnswer);
                } else {
                    assertEquals(ErrorCode.NICK_REGISTERED, error(guestAnswer), "round " + round + ": " + guestAnswer);
                    assertTrue(assertInstanceOf(ServerFrame.Welcome.class, tokenAnswer, "round " + round).account());
                }
            }
        }
    }

    @Test
    void tokensSignInOnlyWhenSignedWithTheKeyForTheNickAndUnexpired() throws Exception {
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        Instant later = Instant.now().plusSeconds(300);
        List<String> refused = List.of(
            token("tess", later, otherKey),
            token("tess", Instant.now().minusSeconds(120), tokenKey),
            token("someone-else", later, tokenKey));
        try (ChatTestClient client = ChatTestClient.connect(gw1.port())) {
            for (String token : refused) {
                client.send(helloWithToken("tess", token));
                assertEquals(ErrorCode.AUTH_FAILED, error(answer(client)));
            }
            client.send(helloWithToken("tess", token("Tess", later, tokenKey)));
            assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(client)).account());
        }
    }

    @Test
    void wrongPasswordsInARowAreAnsweredEverLaterAndTheRightOneStillSignsIn() {
        // The whole rule (50 failures take over 12 s) is SignInThrottleTest's, on a clock it steps; here, that the
        // gateway applies it: the n-th failure waits n times 10 ms, 1.9 s for twenty.
        registerAndLeave("guarded");
        try (ChatTestClient guesser = ChatTestClient.connect(gw2.port())) {
            long start = System.nanoTime();
            for (int guess = 0; guess < 20; guess++) {
                guesser.send(hello("guarded", "guess number " + guess));
                assertEquals(ErrorCode.AUTH_FAILED, error(answer(guesser)));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofMillis(1_900)) >= 0, "20 failures answered in " + took);
            guesser.send(hello("guarded", PASSWORD));
            assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(guesser)).account());
        }
    }

    private static int operator(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", TestKafka.bootstrapServers(), "--presence-topic",
            TestGateway.presenceTopicOf(topic), "--password-stdin"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return AccountsMain.run(all.toArray(String[]::new),
            new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), new PrintStream(out), new PrintStream(out));
    }

    @Test
    void anOperatorRegistersOverAGuestAndResetsAndRemovesAccounts() throws Exception {
        try (ChatTestClient guest = ChatTestClient.login(gw1.port(), "olga")) {
            assertEquals(0, operator("add", "olga"));
            ServerFrame last = guest.awaitClosed().getLast();
            assertEquals(ErrorCode.NICK_REGISTERED, error(last), "the guest is signed out of the nick");
        }
        assertEquals(1, operator("add", "OLGA"), "a nick is registered once");
        try (ChatTestClient owner = ChatTestClient.connect(gw2.port())) {
            owner.send(hello("olga", PASSWORD));
            assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(owner)).account());
            assertEquals(0, operator("passwd", "olga"));
            assertEquals(ErrorCode.NICK_REGISTERED, error(owner.awaitClosed().getLast()), "a reset signs the session out");
        }
        assertEquals(0, operator("remove", "olga"));
        assertEquals(1, operator("remove", "olga"), "nothing left to remove");
        try (ChatTestClient anyone = ChatTestClient.login(gw2.port(), "olga")) {
            anyone.send(new ClientFrame.Quit(null));
            anyone.awaitClosed();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
