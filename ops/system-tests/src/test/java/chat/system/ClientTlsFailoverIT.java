package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.failover.Failover;
import chat.client.session.ChatSession;
import chat.client.session.Transport;
import chat.history.HistoryService;
import chat.testkit.JavaProcess;
import chat.testkit.Paced;
import chat.testkit.Poll;
import chat.testkit.TestDatabase;
import chat.testkit.TestGateway;
import chat.testkit.TestKafka;
import chat.testkit.TestTls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client's session over TLS: it fails over between two TLS gateways as between plain ones, nothing lost
 * or shown twice; and a gateway whose certificate it does not trust is a gateway it cannot reach, said plainly, the
 * next one tried.
 */
class ClientTlsFailoverIT {
    private static final int ALICE_SAYS = 150;
    private static final int BOB_SAYS = 40;
    private static final TestTls TLS = TestTls.create();

    @TempDir
    Path dir;

    @Test
    void aTlsClientWhoseGatewayIsKilledMovesToTheNextTlsGatewayAndShowsEveryMessageOnce() throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, TestDatabase.sqliteUrl(dir));
             JavaProcess gw1 = tlsGateway("gw1", kafka, topic, history.port());
             JavaProcess gw2 = tlsGateway("gw2", kafka, topic, history.port())) {
            Failover.Gateway g1 = new Failover.Gateway("127.0.0.1", gw1.tlsPort());
            Failover.Gateway g2 = new Failover.Gateway("127.0.0.1", gw2.tlsPort());
            Transport tls = Transport.tls(Transport.trusting(TLS.ca()));
            Semaphore changes = new Semaphore(0);
            List<Failover.State> aliceStates = new CopyOnWriteArrayList<>();
            ChatSession.Listener aliceListener = ClientFailoverIT.listening(changes, aliceStates);
            ChatSession.Listener onChange = ClientFailoverIT.listening(changes, new CopyOnWriteArrayList<>());
            try (ChatSession alice = new ChatSession("alice", List.of(g1, g2), Clock.systemUTC(), new SplittableRandom(1),
                     aliceListener, null, tls);
                 ChatSession bob = new ChatSession("bob", List.of(g2, g1), Clock.systemUTC(), new SplittableRandom(2),
                     onChange, null, tls)) {
                alice.start();
                bob.start();
                alice.join("ops");
                bob.join("ops");
                try (Paced aliceTalks = ClientFailoverIT.talk(alice, "from alice", ALICE_SAYS);
                     Paced bobTalks = ClientFailoverIT.talk(bob, "from bob", BOB_SAYS)) {
                    ClientFailoverIT.awaitShown(alice, changes, 30, false);
                    gw1.kill();
                    assertEquals(ALICE_SAYS, aliceTalks.await(Duration.ofSeconds(60)));
                    assertEquals(BOB_SAYS, bobTalks.await(Duration.ofSeconds(60)));
                }
                List<String> aliceShows = ClientFailoverIT.awaitShown(alice, changes, ALICE_SAYS + BOB_SAYS, true);
                List<String> bobShows = ClientFailoverIT.awaitShown(bob, changes, ALICE_SAYS + BOB_SAYS, true);
                assertEquals(ALICE_SAYS + BOB_SAYS, new HashSet<>(aliceShows).size(), "each once");
                assertEquals(aliceShows, bobShows, "both show the same messages in the same order");
                assertEquals(new Failover.State.Connected(g1), aliceStates.stream()
                    .filter(st -> st instanceof Failover.State.Connected).findFirst().orElseThrow());
                // Under load a ping may go unanswered past its patience and the session reconnect once more: what
                // counts is where it settles, with gw1 dead.
                Poll.until("alice settled on gw2's TLS port", Duration.ofSeconds(30), Duration.ofMillis(50),
                    () -> aliceStates.getLast(), last -> last.equals(new Failover.State.Connected(g2)));
            }
        }
    }

    @Test
    void aGatewayWhoseCertificateIsNotTrustedIsSaidSoAndTheNextIsTried() throws Exception {
        String kafka = TestKafka.bootstrapServers();
        String topic = TestGateway.freshTopic();
        try (HistoryService history = Stack.history(kafka, topic, TestDatabase.sqliteUrl(dir));
             JavaProcess gw1 = tlsGateway("gw1", kafka, topic, history.port())) {
            Failover.Gateway tlsPort = new Failover.Gateway("127.0.0.1", gw1.tlsPort());
            Failover.Gateway plainPort = new Failover.Gateway("127.0.0.1", gw1.port());
            List<Failover.State> states = new CopyOnWriteArrayList<>();
            ChatSession.Listener listener = ClientFailoverIT.listening(new Semaphore(0), states);
            Transport trustingAnother = Transport.tls(Transport.trusting(TestTls.create().ca()));
            try (ChatSession carol = new ChatSession("carol", List.of(tlsPort, plainPort), Clock.systemUTC(),
                new SplittableRandom(3), listener, null, trustingAnother)) {
                carol.start();
                Poll.until("carol tried both gateways, each refused", Duration.ofSeconds(30), Duration.ofMillis(50),
                    () -> new ArrayList<>(states), seen -> reasons(seen).size() >= 2);
            }
            List<String> why = reasons(states);
            assertTrue(why.stream().anyMatch(w -> w.contains("not signed by an authority this client trusts")
                && w.contains(tlsPort.toString())), "an untrusted certificate is named as such: " + why);
            assertTrue(why.stream().anyMatch(w -> w.contains(plainPort.toString()) && w.contains("TLS")),
                "TLS to a plain port fails as TLS: " + why);
            assertTrue(states.stream().noneMatch(s -> s instanceof Failover.State.Connected), "never connected: " + states);
        }
    }

    /** Why each gateway could not be reached, in order. */
    private static List<String> reasons(List<Failover.State> states) {
        return states.stream().filter(s -> s instanceof Failover.State.Waiting w && w.why() != null)
            .map(s -> ((Failover.State.Waiting) s).why()).distinct().toList();
    }

    private static JavaProcess tlsGateway(String id, String kafka, String topic, int historyPort) {
        return Stack.gatewayOf(kafka, id, topic, historyPort).with(TLS.gatewayArgs()).startProcess(Path.of("target"));
    }
}
