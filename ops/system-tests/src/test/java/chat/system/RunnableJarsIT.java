package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every runnable jar the build makes starts through the launcher: on a Java older than 21 it says which Java it needs
 * and exits with 1, instead of an UnsupportedClassVersionError; on this Java (21 or newer) it runs its program. The
 * old Java is the newest one below 21 under /usr/lib/jvm, or {@code CHAT_TEST_OLD_JAVA} (its {@code bin/java});
 * without one, that half is skipped and says so.
 */
class RunnableJarsIT {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    /** The name of the jar a module's pom builds, when it names one. */
    private static final Pattern FINAL_NAME = Pattern.compile("<finalName>([^<]+)</finalName>");

    /** Each runnable jar, by its file name. */
    private static Map<String, Path> jars;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheRunnableJars() throws IOException {
        Path root = Repository.root();
        jars = new TreeMap<>();
        Matcher module = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (module.find()) {
            Path dir = root.resolve(module.group(1));
            Matcher finalName = FINAL_NAME.matcher(Files.readString(dir.resolve("pom.xml")));
            if (!finalName.find()) {
                continue;
            }
            Path jar = dir.resolve("target").resolve(finalName.group(1) + ".jar");
            assertTrue(Files.isRegularFile(jar), jar + " is built before this test runs");
            if (mainAttributes(jar).getValue(Attributes.Name.MAIN_CLASS) != null) {
                jars.put(jar.getFileName().toString(), jar);
            }
        }
        assertEquals(List.of("gateway.jar", "history-service.jar", "local-kafka.jar", "local-tls.jar", "terminal-client.jar"),
            List.copyOf(jars.keySet()), "the runnable jars the build makes");
    }

    @Test
    void everyRunnableJarStartsThroughTheLauncherAndNamesItsProgram() throws IOException {
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Attributes manifest = mainAttributes(jar.getValue());
            assertEquals("chat.launcher.Launcher", manifest.getValue(Attributes.Name.MAIN_CLASS), jar.getKey());
            assertNotNull(manifest.getValue("Chat-Main-Class"), jar.getKey() + " names the program the launcher runs");
        }
    }

    @Test
    void onAJavaOlderThan21EveryJarSaysWhichJavaItNeedsAndExitsWith1() throws Exception {
        Path oldJava = olderJava();
        String version = Integer.toString(releaseMajor(oldJava.getParent().getParent()));
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Run run = run(oldJava, jar.getValue(), "--help");
            assertEquals(1, run.exit(), jar.getKey() + " on Java " + version + ": " + run.output());
            assertTrue(run.output().startsWith(jar.getKey() + " needs Java 21 or newer; this is Java " + version + " ("),
                run.output());
            assertTrue(run.output().contains("\nRun it with a "), run.output());
            assertTrue(!run.output().contains("UnsupportedClassVersionError"), run.output());
        }
    }

    @Test
    void onThisJavaEveryJarRunsItsProgram() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Run run = run(java, jar.getValue(), "--help");
            assertEquals(0, run.exit(), jar.getKey() + ": " + run.output());
            assertTrue(run.output().startsWith("usage: java -jar " + jar.getKey()), run.output());
        }
        Run refused = run(java, jars.get("gateway.jar"), "--no-such-flag");
        assertEquals(2, refused.exit(), "the program's own exit status comes through: " + refused.output());
    }

    private record Run(int exit, String output) {}

    private Run run(Path java, Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "run", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 60 s: " + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output));
    }

    /** A Java older than 21 to run the jars with; skips the test, saying so, where there is none. */
    private static Path olderJava() throws IOException {
        String given = System.getenv("CHAT_TEST_OLD_JAVA");
        if (given != null && !given.isBlank()) {
            return Path.of(given.strip());
        }
        Path best = null;
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                for (Path home : homes.sorted().toList()) {
                    int major = releaseMajor(home);
                    if (major >= 8 && major < 21 && Files.isExecutable(home.resolve("bin/java"))
                        && (best == null || major > releaseMajor(best))) {
                        best = home;
                    }
                }
            }
        }
        if (best == null) {
            String why = "no Java older than 21 under /usr/lib/jvm, and CHAT_TEST_OLD_JAVA is not set";
            System.out.println("[RunnableJarsIT] SKIPPING the old-Java check: " + why);
            Assumptions.abort(why);
        }
        return best.resolve("bin/java");
    }

    private static int releaseMajor(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    version = version.startsWith("1.") ? version.substring(2) : version;
                    return Integer.parseInt(version.split("[.+_-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not a Java installation that says its version.
        }
        return 0;
    }

    private static Attributes mainAttributes(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() == null ? new Attributes() : file.getManifest().getMainAttributes();
        }
    }
}
