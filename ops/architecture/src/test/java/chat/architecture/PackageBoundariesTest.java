package chat.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameContaining;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

/**
 * Which package may use which inside a module (docs/ARCHITECTURE.md, "Boundaries"): the parts a service or the client
 * is made of stay apart from the package that wires them, the pure parts touch no socket and no Kafka, and only the
 * client's session reaches the network and only its screen the terminal, so each of the others is tested on its own.
 */
class PackageBoundariesTest {
    @Test
    void presenceAndSignInNeedNothingOfTheGatewayAroundThem() {
        for (String part : new String[] {"chat.gateway.presence..", "chat.gateway.auth.."}) {
            noClasses().that().resideInAPackage(part)
                .should().dependOnClassesThat(resideInAPackage("chat.gateway..").and(resideOutsideOfPackage(part)))
                .because("they are the gateway's pure parts: the gateway uses them, never the other way")
                .check(MainClasses.ALL);
        }
    }

    @Test
    void presenceAndSignInTouchNoSocketAndNoKafka() {
        noClasses().that().resideInAnyPackage("chat.gateway.presence..", "chat.gateway.auth..")
            .should().dependOnClassesThat(resideInAnyPackage("org.apache.kafka..", "javax.net..", "java.net.http..",
                    "java.nio.channels..")
                .or(resideInAPackage("java.net").and(simpleNameContaining("Socket"))))
            .because("they are pure functions of records, time and keys, tested without a broker or a connection")
            .check(MainClasses.ALL);
    }

    @Test
    void theServicesPartsNeedNotThePackageThatWiresThem() {
        noClasses().that().resideInAnyPackage("chat.history.api..", "chat.history.ingest..", "chat.history.store..")
            .should().dependOnClassesThat().resideInAPackage("chat.history")
            .check(MainClasses.ALL);
        noClasses().that().resideInAPackage("chat.client.*..")
            .should().dependOnClassesThat().resideInAPackage("chat.client")
            .check(MainClasses.ALL);
    }

    @Test
    void theHistoryStoreKnowsNothingOfKafkaHttpOrTheOtherParts() {
        noClasses().that().resideInAPackage("chat.history.store..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "com.sun.net.httpserver..",
                "java.net..", "chat.history.api..", "chat.history.ingest..")
            .because("it is the narrow interface both sides use, and one JDBC implementation behind it")
            .check(MainClasses.ALL);
    }

    @Test
    void theHistoryApiReadsNoKafkaAndTheIngestServesNoHttp() {
        noClasses().that().resideInAPackage("chat.history.api..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
            .check(MainClasses.ALL);
        noClasses().that().resideInAPackage("chat.history.ingest..")
            .should().dependOnClassesThat().resideInAnyPackage("com.sun.net.httpserver..", "chat.history.api..")
            .check(MainClasses.ALL);
    }

    @Test
    void inTheClientOnlyTheSessionReachesTheNetwork() {
        // The client's main picks the TLS context the session's transport uses; nothing else of the client opens,
        // names or reads a connection, so no socket is reachable from the screen but through the session.
        noClasses().that().resideInAPackage("chat.client..")
            .and().resideOutsideOfPackages("chat.client.session..", "chat.client")
            .should().dependOnClassesThat().resideInAnyPackage("java.net..", "javax.net..")
            .check(MainClasses.ALL);
    }

    @Test
    void theClientSessionsRulesHaveNoSocketThreadOrQueue() {
        // SessionCore is tested frame by frame with a stepped clock; what waits or touches the network is its shell's.
        noClasses().that().haveNameMatching("chat\\.client\\.session\\.SessionCore(\\$.*)?")
            .should().dependOnClassesThat().resideInAnyPackage("java.net..", "javax.net..", "java.io..",
                "java.util.concurrent..")
            .orShould().dependOnClassesThat().belongToAnyOf(Thread.class)
            .check(MainClasses.ALL);
    }

    @Test
    void inTheClientOnlyTheScreenAndItsTextTouchTheTerminal() {
        noClasses().that().resideInAPackage("chat.client..")
            .and().resideOutsideOfPackages("chat.client.screen..", "chat.client.text..", "chat.client")
            .should().dependOnClassesThat().resideInAPackage("com.googlecode.lanterna..")
            .check(MainClasses.ALL);
    }

    @Test
    void theClientsPartsTestedAloneNeedNeitherSessionNorScreen() {
        noClasses().that().resideInAnyPackage("chat.client.command..", "chat.client.conversation..",
                "chat.client.failover..", "chat.client.text..", "chat.client.config..")
            .should().dependOnClassesThat().resideInAnyPackage("chat.client.session..", "chat.client.screen..")
            .check(MainClasses.ALL);
        noClasses().that().resideInAPackage("chat.client.session..")
            .should().dependOnClassesThat().resideInAPackage("chat.client.screen..")
            .because("the screen drives the session and hears from it through a listener, never the other way")
            .check(MainClasses.ALL);
    }

    @Test
    void noPackageDependsOnAnotherThatDependsOnIt() {
        slices().matching("chat.(**)").namingSlices("$1").should().beFreeOfCycles().check(MainClasses.ALL);
    }
}
