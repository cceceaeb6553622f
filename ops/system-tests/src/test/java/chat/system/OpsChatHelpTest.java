package chat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ops/chat COMMAND --help} prints that command's own help, wherever {@code --help} stands, and builds nothing:
 * a {@code mvn} that records its calls comes first on the PATH.
 */
class OpsChatHelpTest {
    private static final List<String> COMMANDS = List.of("up", "status", "client", "account", "tls", "down", "reset", "test", "bench",
        "chaos");

    @TempDir
    Path bin;

    @ParameterizedTest
    @ValueSource(strings = {"up", "up --brokers 3", "status", "client", "client --nick alice", "account", "account add alice", "tls", "tls /tmp/x",
        "down", "reset", "test", "bench", "bench latency", "bench history", "bench connections", "bench signin", "bench boot",
        "bench failover", "chaos", "chaos --short", "chaos fuzz"})
    void helpPrintsTheCommandsOwnHelpAndBuildsNothing(String commandLine) throws Exception {
        Path mvnCalls = bin.resolve("mvn-calls");
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"$@\" >> '" + mvnCalls + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        String command = commandLine.split(" ")[0];

        List<String> args = new ArrayList<>(List.of("bash", Repository.root().resolve("ops/chat").toString()));
        args.addAll(List.of(commandLine.split(" ")));
        args.add("--help");
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ops/chat " + commandLine + " --help returned");

        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("usage: ops/chat " + command + " "), "its own usage first:\n" + output);
        for (String other : COMMANDS) {
            if (!other.equals(command)) {
                assertFalse(output.contains("\n  " + other + " "), "no help of " + other + ":\n" + output);
            }
        }
        assertFalse(Files.exists(mvnCalls), () -> "help ran mvn " + read(mvnCalls));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
