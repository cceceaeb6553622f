package chat.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Starts a jar's program, named by its manifest's {@value #MAIN_ATTRIBUTE}, on a Java new enough to run it; on an
 * older one, says which Java is needed and where one may be, and exits with 1. The program's classes are loaded by
 * name only after the check, so that an old Java never meets them. Written against the Java 8 API. Thread-safe: it
 * holds no state.
 */
public final class Launcher {
    /** The Java the project is compiled for. */
    static final int NEEDED = 21;
    /** The manifest attribute that names the program's own main class. */
    static final String MAIN_ATTRIBUTE = "Chat-Main-Class";

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int running = major(System.getProperty("java.specification.version"));
        if (running < NEEDED) {
            System.err.println(tooOld(running, System.getProperty("java.home"), System.getProperty("java.class.path"),
                newEnoughJavas(System.getProperty("java.home"), System.getenv("JAVA_HOME"))));
            System.exit(1);
        }
        Method main = Class.forName(mainClass()).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            // The program's own failure, as if it had been the Main-Class.
            throw e.getCause();
        }
    }

    /** The feature release of a {@code java.specification.version}: 8 for "1.8", 17 for "17"; 0 when unreadable. */
    static int major(String specificationVersion) {
        if (specificationVersion == null) {
            return 0;
        }
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** What to say on a Java that is too old. {@code javas} are the {@code bin/java} of new enough ones found nearby. */
    static String tooOld(int running, String javaHome, String classPath, List<String> javas) {
        boolean oneJar = classPath != null && classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator);
        String jar = oneJar ? classPath : "this program";
        StringBuilder out = new StringBuilder();
        out.append(oneJar ? new File(classPath).getName() : jar).append(" needs Java ").append(NEEDED)
            .append(" or newer; this is Java ").append(running == 0 ? "of an unknown version" : String.valueOf(running))
            .append(" (").append(javaHome).append(").\n");
        if (javas.isEmpty()) {
            out.append("Run it with a JDK or JRE ").append(NEEDED).append(" or newer: install one (for example the")
                .append(" package openjdk-").append(NEEDED).append("-jre-headless, or Temurin ").append(NEEDED)
                .append(" from adoptium.net) and run its bin/java, or put it first on the PATH.");
        } else {
            out.append("Run it with a Java ").append(NEEDED).append(" or newer, with the same arguments; for example:\n  ")
                .append(javas.get(0)).append(oneJar ? " -jar " + jar + " ..." : " ...");
        }
        return out.toString();
    }

    /**
     * The {@code bin/java} of installed Javas that are new enough: {@code JAVA_HOME}'s first, then those beside the
     * running one (under /usr/lib/jvm, say), the newest release first.
     */
    static List<String> newEnoughJavas(String runningHome, String javaHomeVariable) {
        List<String> out = new ArrayList<>();
        if (javaHomeVariable != null && !javaHomeVariable.isEmpty()) {
            addIfNewEnough(Paths.get(javaHomeVariable), out);
        }
        if (runningHome == null) {
            return out;
        }
        Path home = Paths.get(runningHome);
        // Java 8's java.home is the jre directory inside the JDK.
        Path installed = home.getFileName() != null && home.getFileName().toString().equals("jre") ? home.getParent() : home;
        Path beside = installed == null ? null : installed.getParent();
        if (beside == null || !Files.isDirectory(beside)) {
            return out;
        }
        List<Path> siblings = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(beside)) {
            dirs.filter(Files::isDirectory).forEach(siblings::add);
        } catch (IOException e) {
            return out;
        }
        siblings.sort(Comparator.comparingInt(Launcher::releaseMajor).reversed()
            .thenComparing(Comparator.comparing(Path::toString)));
        for (Path sibling : siblings) {
            addIfNewEnough(sibling, out);
        }
        return out;
    }

    private static void addIfNewEnough(Path home, List<String> out) {
        Path java = home.resolve("bin").resolve("java");
        if (releaseMajor(home) >= NEEDED && Files.isExecutable(java) && !out.contains(java.toString())) {
            out.add(java.toString());
        }
    }

    /** The feature release a Java installation's {@code release} file gives ({@code JAVA_VERSION="21.0.2"}), or 0. */
    static int releaseMajor(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return major(line.substring("JAVA_VERSION=".length()).replace("\"", "").trim());
                }
            }
        } catch (IOException e) {
            // Not a Java installation, or not one that says its version.
        }
        return 0;
    }

    /** The program's main class, from the manifest that names it: the runnable jar's. */
    private static String mainClass() throws IOException {
        Enumeration<URL> manifests = Launcher.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            try (InputStream in = manifests.nextElement().openStream()) {
                String name = new Manifest(in).getMainAttributes().getValue(MAIN_ATTRIBUTE);
                if (name != null) {
                    return name;
                }
            }
        }
        throw new IllegalStateException("no manifest on the class path names the program in " + MAIN_ATTRIBUTE
            + "; run a jar the project built, with java -jar");
    }
}
