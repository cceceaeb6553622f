package chat.gateway.accounts;

import chat.admin.MalformedRecords;
import chat.gateway.PresenceReplay;
import chat.gateway.SessionTokens;
import chat.gateway.auth.PasswordHasher;
import chat.gateway.presence.PresenceCodec;
import chat.gateway.presence.PresenceRecord;
import chat.gateway.presence.PresenceState;
import chat.protocol.Limits;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The operator's account tool: {@code add}, {@code passwd} and {@code remove} a nick's account on the presence topic,
 * where every gateway reads accounts. It replays the topic to learn the accounts (from the newest snapshot, as a
 * gateway does), writes one record, and follows the topic until that record is decided, exactly as a gateway would
 * decide it, so what it reports is what every gateway holds. The password is read from the terminal without echo, or
 * as one line of standard input, and only its Argon2id hash is written.
 */
public final class AccountsMain {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private AccountsMain() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static final String USAGE = """
        usage: account add|passwd|remove NICK [--kafka HOST:PORT,...] [--presence-topic TOPIC] [--password-stdin]

          add      registers NICK to a new account with a password; whoever holds NICK as a guest is signed out
          passwd   sets a new password for NICK's account; its session is signed out
          remove   removes NICK's account; its session is signed out and the nick is free for anyone

        The password is asked twice on the terminal without echo, or read as one line of standard input with
        --password-stdin. --kafka defaults to KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:19092, --presence-topic to
        CHAT_PRESENCE_TOPIC or chat.presence.
        """;

    /** Runs one command: 0 done, 1 refused or failed, 2 a usage error. {@code stdin} gives the password with --password-stdin. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err)
        throws IOException, InterruptedException {
        List<String> positional = new ArrayList<>();
        String kafka = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
        String topic = System.getenv().getOrDefault("CHAT_PRESENCE_TOPIC", "chat.presence");
        boolean passwordFromStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--kafka" -> kafka = valueOf(args, ++i);
                case "--presence-topic" -> topic = valueOf(args, ++i);
                case "--password-stdin" -> passwordFromStdin = true;
                default -> positional.add(args[i]);
            }
        }
        if (kafka == null || topic == null || positional.size() != 2
            || !List.of("add", "passwd", "remove").contains(positional.get(0))) {
            err.print(USAGE);
            return 2;
        }
        String action = positional.get(0);
        String nick = positional.get(1);
        if (!Limits.isValidNick(nick)) {
            err.println("account: " + nick + " is not a nick (^[A-Za-z][A-Za-z0-9_-]{0,19}$)");
            return 2;
        }
        try (Topic presence = new Topic(kafka, topic)) {
            PresenceState state = presence.replay();
            PresenceState.Account account = state.account(nick);
            if (action.equals("add") && account != null) {
                err.println("account: " + nick + " is registered already; passwd sets a new password");
                return 1;
            }
            if (!action.equals("add") && account == null) {
                err.println("account: " + nick + " has no account");
                return 1;
            }
            if (action.equals("remove")) {
                presence.write(new PresenceRecord.Unregister(nick, account.id()));
                presence.follow(state, s -> s.account(nick) == null || !s.account(nick).id().equals(account.id()));
                out.println("removed the account of " + nick);
                return 0;
            }
            Optional<String> password = passwordFromStdin ? passwordFrom(stdin, err) : passwordFromTerminal(err);
            if (password.isEmpty()) {
                return 1;
            }
            String credential = new PasswordHasher(new SecureRandom(), 1).hash(password.get(), PATIENCE);
            if (action.equals("add")) {
                String id = new SessionTokens(new SecureRandom()).newToken();
                presence.write(new PresenceRecord.Register(nick, id, credential, null));
                PresenceState decided = presence.follow(state, s -> s.account(nick) != null);
                if (!decided.account(nick).id().equals(id)) {
                    err.println("account: " + nick + " was registered by someone else just before");
                    return 1;
                }
                out.println("registered " + nick);
            } else {
                presence.write(new PresenceRecord.Passwd(nick, account.id(), credential));
                presence.follow(state, s -> s.account(nick) == null || credential.equals(s.account(nick).credential()));
                out.println("set a new password for " + nick);
            }
            return 0;
        } catch (PasswordHasher.Busy e) {
            err.println("account: could not hash the password: " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            err.println("account: " + e.getMessage());
            return 1;
        }
    }

    private static String valueOf(String[] args, int i) {
        return i < args.length ? args[i] : null;
    }

    private static Optional<String> passwordFrom(InputStream stdin, PrintStream err) throws IOException {
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        return checked(line, err);
    }

    private static Optional<String> passwordFromTerminal(PrintStream err) {
        Console console = System.console();
        if (console == null) {
            err.println("account: no terminal to ask the password on; use --password-stdin");
            return Optional.empty();
        }
        char[] first = console.readPassword("password: ");
        char[] second = console.readPassword("again: ");
        if (first == null || second == null || !new String(first).equals(new String(second))) {
            err.println("account: the two passwords differ");
            return Optional.empty();
        }
        return checked(new String(first), err);
    }

    private static Optional<String> checked(String password, PrintStream err) {
        String problem = Limits.passwordProblem(password);
        if (problem != null) {
            err.println("account: " + problem);
            return Optional.empty();
        }
        return Optional.of(password);
    }

    /** The presence topic, read from its newest snapshot on and written to, as a gateway does. */
    private static final class Topic implements AutoCloseable {
        private static final String CLIENT_ID = "account-tool";
        /** The tool serves no metrics: a malformed record is only logged, and skipped as the gateways skip it. */
        private static final MalformedRecords MALFORMED = new MalformedRecords(new SimpleMeterRegistry());
        private final String kafka;
        private final String name;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;

        Topic(String kafka, String name) {
            this.kafka = kafka;
            this.name = name;
            this.consumer = PresenceReplay.consumer(kafka, CLIENT_ID);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            this.producer = new KafkaProducer<>(p);
        }

        /** The state every record so far leads to: the accounts as every gateway holds them now. */
        PresenceState replay() {
            if (consumer.partitionsFor(name, PATIENCE).isEmpty()) {
                throw new IllegalStateException("no presence topic " + name + ": start a gateway first");
            }
            PresenceState state = new PresenceState();
            PresenceReplay.replay(kafka, CLIENT_ID, consumer, name, state, PATIENCE, MALFORMED);
            return state;
        }

        void write(PresenceRecord record) {
            try {
                producer.send(new ProducerRecord<>(name, 0, PresenceCodec.key(record), PresenceCodec.encode(record)))
                    .get();
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not take the record: " + e, e);
            }
        }

        /** Applies what follows in the topic until {@code done} holds, or gives up after the patience. */
        PresenceState follow(PresenceState state, Predicate<PresenceState> done) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!done.test(state)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the record was written but not read back within " + PATIENCE);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> PresenceReplay.apply(state, record, MALFORMED));
            }
            return state;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(2));
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
