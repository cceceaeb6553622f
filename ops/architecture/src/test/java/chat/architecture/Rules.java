package chat.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/** How the boundary rules are written: which of our packages a package may use. Stateless. */
final class Rules {
    private Rules() {}

    /**
     * The classes of {@code packages} use no class of ours outside {@code allowed} and themselves; libraries and the
     * JDK are another rule's business.
     */
    static ArchRule usesOfOursOnly(String packages, String... allowed) {
        String[] own = Stream.concat(Stream.of(packages), Arrays.stream(allowed)).toArray(String[]::new);
        return noClasses().that().resideInAPackage(packages)
            .should().dependOnClassesThat(resideInAPackage("chat..").and(not(resideInAnyPackage(own)))
                .as("are ours but outside " + String.join(", ", own)));
    }
}
