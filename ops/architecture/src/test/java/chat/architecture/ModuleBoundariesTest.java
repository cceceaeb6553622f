package chat.architecture;

import static chat.architecture.Rules.usesOfOursOnly;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which module may use which (docs/ARCHITECTURE.md, "Boundaries"). The poms already keep a module from compiling
 * against one it does not depend on; these rules say which dependencies are meant, so a new one in a pom is a
 * decision and not a convenience. The shared parts depend on nothing of ours, the three programs (gateway, history
 * service, terminal client) on the shared parts alone, and only the ops tools on test code.
 */
class ModuleBoundariesTest {
    /** The parts everything else stands on, with all they may use besides themselves: the JDK and a library at most. */
    static Stream<Arguments> foundations() {
        return Stream.of(
            Arguments.of("chat.protocol..", List.of("java..", "com.fasterxml.jackson.."),
                "every part speaks the protocol, so it must bring nothing of ours with it"),
            Arguments.of("chat.settings..", List.of("java.."), "every program reads its settings with it"),
            Arguments.of("chat.launcher..", List.of("java.."),
                "it runs on any Java, to say which one the program needs, so it can load nothing else"));
    }

    /** Every other module, with the modules of ours it may use besides itself. */
    static Stream<Arguments> modules() {
        String programs = "gateways, the history service and the client share the wire format and nothing else";
        return Stream.of(
            Arguments.of("chat.admin..", List.of("chat.settings.."),
                "every service has an admin port, whatever the service does"),
            Arguments.of("chat.runtime..", List.of(),
                "the services' threads keep going by it, whatever the services do"),
            Arguments.of("chat.gateway..", List.of("chat.protocol..", "chat.settings..", "chat.admin..", "chat.runtime.."),
                programs),
            Arguments.of("chat.history..", List.of("chat.protocol..", "chat.settings..", "chat.admin..", "chat.runtime.."),
                programs),
            Arguments.of("chat.client..", List.of("chat.protocol..", "chat.settings.."),
                "the client knows the chat by its protocol alone, as any other client would"),
            Arguments.of("chat.ops.kafka..", List.of(), "ops/chat and the tests run it, beside any service"),
            Arguments.of("chat.ops.tls..", List.of(), "ops/chat and the tests run it, beside any service"),
            Arguments.of("chat.testkit..", List.of("chat.protocol..", "chat.ops.."),
                "every module's tests use it, so it cannot know the services they test"),
            Arguments.of("chat.bench..", List.of("chat.protocol..", "chat.settings..", "chat.admin..", "chat.runtime..",
                "chat.gateway..", "chat.history..", "chat.ops..", "chat.testkit.."),
                "it drives the services, never the client or the chaos run"));
    }

    @ParameterizedTest(name = "{0} uses {1} alone")
    @MethodSource("foundations")
    void theFoundationsUseTheJdkAndAtMostOneLibrary(String part, List<String> allowed, String why) {
        String[] own = Stream.concat(Stream.of(part), allowed.stream()).toArray(String[]::new);
        classes().that().resideInAPackage(part).should().onlyDependOnClassesThat().resideInAnyPackage(own)
            .because(why).check(MainClasses.ALL);
    }

    @ParameterizedTest(name = "{0} uses of ours only {1}")
    @MethodSource("modules")
    void eachModuleUsesOnlyTheModulesItIsMeantTo(String part, List<String> allowed, String why) {
        usesOfOursOnly(part, allowed.toArray(String[]::new)).because(why).check(MainClasses.ALL);
    }

    @Test
    void onlyTheOpsToolsUseTestCode() {
        noClasses().that().resideOutsideOfPackages("chat.testkit..", "chat.bench..", "chat.chaos..")
            .should().dependOnClassesThat().resideInAnyPackage(
                "chat.testkit..", "org.junit..", "org.opentest4j..", "org.testcontainers..")
            .because("what a service runs never needs what only its tests have")
            .check(MainClasses.ALL);
    }

    @Test
    void noModuleDependsOnAnotherThatDependsOnIt() {
        slices().matching("chat.(*)..").namingSlices("$1").should().beFreeOfCycles().check(MainClasses.ALL);
    }
}
