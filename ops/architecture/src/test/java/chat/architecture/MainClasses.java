package chat.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Every module's main classes as the build made them (the modules are this module's dependencies), without any test
 * class: the boundaries hold for what is shipped and run, and a test may reach across them. Imported once per test
 * run; {@link JavaClasses} is immutable, so the rules may share it.
 */
final class MainClasses {
    static final JavaClasses ALL = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("chat");

    private MainClasses() {}
}
