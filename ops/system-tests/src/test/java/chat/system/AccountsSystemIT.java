package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.gateway.Gateway;
import chat.history.HistoryMain;
import chat.history.HistoryService;
import chat.ops.kafka.LocalKafkaCluster;
import chat.protocol.ClientFrame;
import chat.protocol.ErrorCode;
import chat.protocol.ServerFrame;
import chat.testkit.ChatTestClient;
import chat.testkit.JavaProcess;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import chat.gateway.accounts.AccountsMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stored direct messages belong to accounts, wait for them while they are away, and no password is kept in clear. */
class AccountsSystemIT {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private static ServerFrame answer(ChatTestClient client) {
        return client.nextMatching(ServerFrame.class, f -> f instanceof ServerFrame.Welcome
            || f instanceof ServerFrame.Registered || f instanceof ServerFrame.Error || f instanceof ServerFrame.History);
    }

    private static ChatTestClient signIn(int port, String nick) {
        ChatTestClient client = ChatTestClient.connect(port);
        client.send(new ClientFrame.Hello(nick, 1, null, PASSWORD, null, null));
        assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(client)).account());
        return client;
    }

    private static void register(ChatTestClient client, String nick) {
        client.send(new ClientFrame.Register(PASSWORD, null));
        assertEquals(new ServerFrame.Registered(nick, null), client.nextMatching(ServerFrame.Registered.class, r -> true));
    }

    /**
     * Returns once the gateway on {@code port} has read what the log says of {@code nick} so far: a hello for it,
     * decided after everything before it in the log, is refused with {@code expected}.
     */
    private static void awaitKnown(int port, String nick, ErrorCode expected) {
        try (ChatTestClient probe = ChatTestClient.connect(port)) {
            probe.send(new ClientFrame.Hello(nick, 1, null, null));
            assertEquals(expected, assertInstanceOf(ServerFrame.Error.class, answer(probe)).code());
        }
    }

    private static long dm(ChatTestClient from, String to, String text) {
        String id = UUID.randomUUID().toString();
        from.send(new ClientFrame.Dm(to, text, id, null));
        return from.nextMatching(ServerFrame.Ack.class, a -> a.id().equals(id)).seq();
    }

    /** The texts of the stored conversation with {@code with}, as the client is served them, or the error code. */
    private static Object conversation(ChatTestClient client, String with) {
        client.send(new ClientFrame.History(null, with, null, 500, "h"));
        ServerFrame answer = client.nextMatching(ServerFrame.class,
            f -> (f instanceof ServerFrame.History h && h.with() != null) || f instanceof ServerFrame.Error);
        if (answer instanceof ServerFrame.Error e) {
            return e.code();
        }
        ServerFrame.History history = (ServerFrame.History) answer;
        assertFalse(history.unavailable(), "the history service answered");
        return history.messages().stream().map(m -> ((ServerFrame.Dm) m).text()).toList();
    }

    private static void ping(ChatTestClient client) {
        client.send(new ClientFrame.Ping("first word"));
        client.nextMatching(ServerFrame.Pong.class, p -> "first word".equals(p.ref()));
    }

    private static void quit(ChatTestClient client) {
        client.send(new ClientFrame.Quit(null));
        client.awaitClosed();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void storedDirectMessagesAreServedToTheirAccountOnlyAndFromItsRegistrationOn(Database database) throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, database.freshUrl(dir));
             Gateway gw1 = Stack.gateway(kafka, "gw1", topic, history.port());
             Gateway gw2 = Stack.gateway(kafka, "gw2", topic, history.port())) {
            ChatTestClient guestAnn = ChatTestClient.login(gw1.port(), "ann");
            ChatTestClient ben = ChatTestClient.login(gw2.port(), "ben");
            awaitKnown(gw1.port(), "ben", ErrorCode.NICK_TAKEN);
            awaitKnown(gw2.port(), "ann", ErrorCode.NICK_TAKEN);
            dm(guestAnn, "ben", "said while ann was a guest");
            long last = dm(ben, "ann", "answered to the guest");
            assertEquals(ErrorCode.AUTH_REQUIRED, conversation(guestAnn, "ben"), "a guest reads no stored conversation");
            assertEquals(ErrorCode.AUTH_REQUIRED, conversation(ben, "ann"));

            register(guestAnn, "ann");
            // What ben's gateway writes from now on names ann's account: a gateway knows an account from the
            // registration's place in the log on.
            awaitKnown(gw2.port(), "ann", ErrorCode.NICK_REGISTERED);
            Stack.awaitIngestedConversation(history.port(), "ann", "ben", last);
            assertEquals(List.of(), conversation(guestAnn, "ben"), "nothing from before the registration");
            dm(guestAnn, "ben", "said as an account");
            last = dm(ben, "ann", "answered to the account");
            Stack.awaitIngestedConversation(history.port(), "ann", "ben", last);
            assertEquals(List.of("said as an account", "answered to the account"), conversation(guestAnn, "ben"));
            quit(guestAnn);

            // The nick changes hands: its account is removed and another person registers it anew.
            try (ChatTestClient owner = signIn(gw2.port(), "ann")) {
                assertEquals(List.of("said as an account", "answered to the account"), conversation(owner, "ben"),
                    "the same account on another gateway");
            }
            assertEquals(0, operator(kafka, topic, "remove", "ann"));
            try (ChatTestClient newcomer = ChatTestClient.login(gw1.port(), "ann")) {
                register(newcomer, "ann");
                assertEquals(List.of(), conversation(newcomer, "ben"), "never what an earlier account exchanged");
            }
            quit(ben);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aMessageToAnOfflineAccountWaitsAndArrivesOnceAtItsNextSignInThroughARestartedGateway(Database database)
        throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, database.freshUrl(dir));
             Gateway gw1 = Stack.gateway(kafka, "gw1", topic, history.port())) {
            Gateway gw2 = Stack.gateway(kafka, "gw2", topic, history.port());
            try (ChatTestClient dana = ChatTestClient.login(gw2.port(), "dana")) {
                register(dana, "dana");
                quit(dana);
            }
            awaitKnown(gw1.port(), "dana", ErrorCode.NICK_REGISTERED);
            try (ChatTestClient sam = ChatTestClient.login(gw1.port(), "sam")) {
                dm(sam, "dana", "while you were away");
                dm(sam, "Dana", "and one more");
                sam.send(new ClientFrame.Dm("nobody", "lost", "x", "n"));
                assertEquals(ErrorCode.NO_SUCH_NICK, sam.nextMatching(ServerFrame.Error.class, e -> "n".equals(e.ref())).code(),
                    "a nick neither held nor registered");

                // Dana comes back through the gateway she used before, restarted since the messages were sent.
                gw2.close();
                try (Gateway restarted = Stack.gateway(kafka, "gw2", topic, history.port())) {
                    try (ChatTestClient dana = signIn(restarted.port(), "dana")) {
                        List<ServerFrame.Dm> waited = new ArrayList<>();
                        while (waited.size() < 2) {
                            waited.add(dana.next(ServerFrame.Dm.class));
                        }
                        assertEquals(List.of("while you were away", "and one more"),
                            waited.stream().map(ServerFrame.Dm::text).toList());
                        assertTrue(waited.stream().allMatch(ServerFrame.Dm::waiting));
                        List<ServerFrame> rest = dana.until(f -> f instanceof ServerFrame.Waited);
                        assertEquals(new ServerFrame.Waited(2), rest.getLast());
                        assertEquals(0, rest.stream().filter(f -> f instanceof ServerFrame.Dm).count(), "each once");
                        received(dana, "sam", waited.getLast().seq());

                        // Sam's gateway knows dana is online by now, so this one comes live, not waiting.
                        awaitKnown(gw1.port(), "dana", ErrorCode.NICK_REGISTERED);
                        dm(sam, "dana", "are you there?");
                        ServerFrame.Dm live = dana.next(ServerFrame.Dm.class);
                        assertEquals("are you there?", live.text());
                        assertFalse(live.waiting());
                        quit(dana);
                    }
                    assertEquals(0, waitedAtSignIn(restarted.port(), "dana"), "delivered once");
                }
                quit(sam);
            }
        }
    }

    @Test
    void messagesThatWaitedGoAgainToEachConnectionUntilItsClientSaysItReceivedThem() throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, Database.SQLITE.freshUrl(dir));
             Gateway gw1 = Stack.gateway(kafka, "gw1", topic, history.port());
             Gateway gw2 = Stack.gateway(kafka, "gw2", topic, history.port())) {
            try (ChatTestClient erin = ChatTestClient.login(gw1.port(), "erin")) {
                register(erin, "erin");
                quit(erin);
            }
            awaitKnown(gw2.port(), "erin", ErrorCode.NICK_REGISTERED);
            try (ChatTestClient sam = ChatTestClient.login(gw2.port(), "sam")) {
                dm(sam, "erin", "while you were away");
                quit(sam);
            }
            // Her client signs in and is sent the page; it pings, and is answered, but dies before it says it has
            // them: the page may never have reached its screen.
            try (ChatTestClient cutOff = signIn(gw1.port(), "erin")) {
                assertTrue(cutOff.next(ServerFrame.Dm.class).waiting());
                cutOff.next(ServerFrame.Waited.class);
                ping(cutOff);
            }
            ServerFrame.Dm again;
            try (ChatTestClient erin = signIn(gw2.port(), "erin")) {
                again = erin.next(ServerFrame.Dm.class);
                assertEquals(List.of("while you were away", true), List.of(again.text(), again.waiting()));
                assertEquals(new ServerFrame.Waited(1), erin.next(ServerFrame.Waited.class));
                quit(erin);
            }

            // Nobody else can say it for her: a guest may not say it received anything, and another account's word
            // covers its own conversations only, whatever seq it names.
            try (ChatTestClient guest = ChatTestClient.login(gw1.port(), "sam")) {
                guest.send(new ClientFrame.Received("erin", Long.MAX_VALUE, "r"));
                assertEquals(ErrorCode.AUTH_REQUIRED,
                    guest.nextMatching(ServerFrame.Error.class, e -> "r".equals(e.ref())).code());
                quit(guest);
            }
            try (ChatTestClient mallory = ChatTestClient.login(gw1.port(), "mallory")) {
                register(mallory, "mallory");
                received(mallory, "sam", Long.MAX_VALUE);
                received(mallory, "erin", Long.MAX_VALUE);
                quit(mallory);
            }
            try (ChatTestClient erin = signIn(gw1.port(), "erin")) {
                assertEquals(again, erin.next(ServerFrame.Dm.class), "the same message, with the same seq");
                assertEquals(new ServerFrame.Waited(1), erin.next(ServerFrame.Waited.class));
                received(erin, "sam", again.seq());
                quit(erin);
            }
            assertEquals(0, waitedAtSignIn(gw2.port(), "erin"), "delivered once its client said it has it");
        }
    }

    /** Says that the messages which waited in the conversation with {@code with} are in, through {@code through}. */
    private static void received(ChatTestClient client, String with, long through) {
        client.send(new ClientFrame.Received(with, through, null));
        // Carried out in order: once the ping is answered, the mark is on its way to Kafka.
        ping(client);
    }

    /**
     * How many messages wait for {@code nick}'s account once the marks sent so far are stored: signs in until none
     * wait, or until 10 s have passed. A client that does not say it received them leaves them waiting.
     */
    private static int waitedAtSignIn(int port, String nick) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (ChatTestClient client = signIn(port, nick)) {
                int count = client.nextMatching(ServerFrame.Waited.class, w -> true).count();
                quit(client);
                if (count == 0 || System.nanoTime() > deadline) {
                    return count;
                }
            }
        }
    }

    @Test
    void noPasswordIsKeptInClearInKafkaTheDatabaseOrAnyLog() throws Exception {
        String password = "Unmistakable-" + UUID.randomUUID();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String topic = TestGateway.freshTopic();
        Path db = dir.resolve("history.db");
        try (LocalKafkaCluster kafka = TestKafka.startPrivateCluster(dir.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            try (JavaProcess history = JavaProcess.start("history", HistoryMain.class,
                     Stack.historyArgs(bootstrap, topic, "jdbc:sqlite:" + db, 0), logs);
                 JavaProcess gateway = Stack.gatewayOf(bootstrap, "gw1", topic, history.port()).with("--admin-port", "0")
                     .startProcess(logs)) {
                try (ChatTestClient paula = ChatTestClient.login(gateway.port(), "paula")) {
                    paula.send(new ClientFrame.Register(password, null));
                    paula.next(ServerFrame.Registered.class);
                    paula.say("lobby", "a message to find", "m1");
                    quit(paula);
                }
                try (ChatTestClient back = ChatTestClient.connect(gateway.port())) {
                    back.send(new ClientFrame.Hello("paula", 1, null, password + "x", null, null));
                    assertEquals(ErrorCode.AUTH_FAILED, assertInstanceOf(ServerFrame.Error.class, answer(back)).code());
                    back.send(new ClientFrame.Hello("paula", 1, null, password, null, null));
                    assertTrue(assertInstanceOf(ServerFrame.Welcome.class, answer(back)).account());
                    long seq = dm(back, "paula", "a note to self: " + "the nick paula");
                    Stack.awaitIngestedConversation(history.port(), "paula", "paula", seq);
                    quit(back);
                }
            }
            List<Path> searched = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).forEach(searched::add);
            }
            byte[] secret = password.getBytes(StandardCharsets.UTF_8);
            byte[] nick = "paula".getBytes(StandardCharsets.UTF_8);
            assertTrue(searched.stream().anyMatch(f -> holds(f, nick) && f.toString().contains("kafka")),
                "the search reads the brokers' log files: it finds the nick there");
            assertTrue(holds(db, "a note to self".getBytes(StandardCharsets.UTF_8))
                    || holds(Path.of(db + "-wal"), "a note to self".getBytes(StandardCharsets.UTF_8)),
                "the search reads the database");
            List<Path> leaks = searched.stream().filter(f -> holds(f, secret)).toList();
            assertEquals(List.of(), leaks, "files holding the password in clear");
        }
    }

    /** Runs the operator's account tool against the test's cluster, with the password on standard input. */
    private static int operator(String kafka, String topic, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kafka", kafka, "--presence-topic", TestGateway.presenceTopicOf(topic), "--password-stdin"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return AccountsMain.run(all.toArray(String[]::new),
            new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), new PrintStream(out), new PrintStream(out));
    }

    private static boolean holds(Path file, byte[] needle) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
