package chat.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theFeatureReleaseIsReadFromEitherVersionScheme() {
        assertEquals(8, Launcher.major("1.8"));
        assertEquals(8, Launcher.major("1.8.0_392"));
        assertEquals(17, Launcher.major("17"));
        assertEquals(21, Launcher.major("21.0.2"));
        assertEquals(25, Launcher.major("25"));
        assertEquals(0, Launcher.major("banana"));
        assertEquals(0, Launcher.major(null));
    }

    @Test
    void onAnOldJavaItSaysWhichIsNeededAndWhichToUse() {
        assertEquals("""
            gateway.jar needs Java 21 or newer; this is Java 17 (/usr/lib/jvm/java-17-openjdk-amd64).
            Run it with a Java 21 or newer, with the same arguments; for example:
              /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar gateway/target/gateway.jar ...""",
            Launcher.tooOld(17, "/usr/lib/jvm/java-17-openjdk-amd64", "gateway/target/gateway.jar",
                List.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")));
    }

    @Test
    void withNoNewEnoughJavaAroundItSaysToInstallOne() {
        assertEquals("""
            terminal-client.jar needs Java 21 or newer; this is Java 11 (/opt/jdk-11).
            Run it with a JDK or JRE 21 or newer: install one (for example the package openjdk-21-jre-headless, or \
            Temurin 21 from adoptium.net) and run its bin/java, or put it first on the PATH.""",
            Launcher.tooOld(11, "/opt/jdk-11", "/home/me/terminal-client.jar", List.of()));
    }

    @Test
    void newEnoughJavasAreFoundInJavaHomeAndBesideTheRunningOne() throws IOException {
        Path old = java("jvm/java-17-openjdk-amd64", "JAVA_VERSION=\"17.0.16\"");
        Path eight = java("jvm/jdk8", "JAVA_VERSION=\"1.8.0_392\"");
        Path newer = java("jvm/temurin-25-jdk-amd64", "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"");
        Path lts = java("jvm/zulu-21", "JAVA_VERSION=\"21.0.8\"");
        Files.createDirectories(dir.resolve("jvm/not-a-java"));
        Path elsewhere = java("opt/elsewhere-21", "JAVA_VERSION=\"21\"");

        assertEquals(List.of(bin(newer), bin(lts)), Launcher.newEnoughJavas(old.toString(), null), "the newest release first");
        assertEquals(List.of(bin(elsewhere), bin(newer), bin(lts)),
            Launcher.newEnoughJavas(old.toString(), elsewhere.toString()), "JAVA_HOME first");
        assertEquals(List.of(bin(newer), bin(lts)), Launcher.newEnoughJavas(eight.resolve("jre").toString(), ""),
            "from a Java 8's jre directory");
        assertEquals(List.of(), Launcher.newEnoughJavas(dir.resolve("nowhere/at/all").toString(), null));
    }

    private Path java(String name, String release) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), release + "\n");
        Files.createFile(home.resolve("bin/java"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        return home;
    }

    private static String bin(Path home) {
        return home.resolve("bin").resolve("java").toString();
    }
}
