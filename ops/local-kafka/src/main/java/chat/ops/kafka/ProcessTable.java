package chat.ops.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The running processes, by their command lines. On Linux each command line is read whole from {@code /proc}: the JDK's
 * {@link ProcessHandle.Info} gives none, or a cut one, for a command line as long as a test JVM's class path.
 * Thread-safe: it holds nothing.
 */
public final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {}

    /** The live processes whose command line, split into its words, {@code matches}. */
    public static List<ProcessHandle> matching(Predicate<List<String>> matches) {
        return ProcessHandle.allProcesses()
            .filter(process -> commandLine(process).map(matches::test).orElse(false))
            .toList();
    }

    /** The live processes that have {@code argument} as one word of their command line. */
    public static List<ProcessHandle> withArgument(String argument) {
        return matching(words -> words.contains(argument));
    }

    private static Optional<List<String>> commandLine(ProcessHandle process) {
        if (Files.isDirectory(PROC)) {
            try {
                String raw = new String(Files.readAllBytes(PROC.resolve(Long.toString(process.pid())).resolve("cmdline")),
                    StandardCharsets.UTF_8);
                return raw.isEmpty() ? Optional.empty() : Optional.of(Arrays.asList(raw.split("\0")));
            } catch (IOException gone) {
                return Optional.empty();
            }
        }
        return process.info().command().flatMap(command -> process.info().arguments().map(args -> {
            String[] words = new String[args.length + 1];
            words[0] = command;
            System.arraycopy(args, 0, words, 1, args.length);
            return Arrays.asList(words);
        }));
    }
}
