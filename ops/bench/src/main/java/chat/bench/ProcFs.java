package chat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What Linux's /proc tells of processes and of the machine: the CPU time a process has spent, which process listens on
 * a port, the load average. Reading another user's process (a nats-server started by the system) needs root, or the
 * same user. Thread-safe: it holds nothing.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    /** What Linux has used on every common architecture; {@code getconf CLK_TCK} says so or otherwise. */
    private static final long USUAL_TICKS_PER_SECOND = 100;

    private ProcFs() {}

    /** How many files this process may hold open (the soft limit), or {@link Long#MAX_VALUE} when unlimited. */
    public static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(PROC.resolve("self").resolve("limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    /** The clock ticks a second in which /proc counts CPU time: {@code getconf CLK_TCK}, or 100 when it cannot tell. */
    public static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0 && out.matches("[0-9]{1,6}")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // No getconf: the usual value below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return USUAL_TICKS_PER_SECOND;
    }

    /**
     * The CPU time the process has spent, user and system, all its threads, in clock ticks: fields 14 and 15 of
     * {@code /proc/PID/stat}; -1 when the process is gone or cannot be read.
     */
    public static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[11]) + Long.parseLong(after[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(PROC.resolve("loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The command line of a process, its words joined by spaces; empty when it cannot be read. */
    public static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The process that listens on TCP {@code port}: the socket's inode from {@code /proc/net/tcp} (and {@code tcp6}),
     * then the process that holds a descriptor of that socket. Empty when none is found or the processes of other
     * users cannot be read.
     */
    public static OptionalLong listeningPid(int port) {
        String inode = null;
        for (String table : List.of("tcp", "tcp6")) {
            inode = listeningInode(PROC.resolve("net").resolve(table), port);
            if (inode != null) {
                break;
            }
        }
        if (inode == null) {
            return OptionalLong.empty();
        }
        String socket = "socket:[" + inode + "]";
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (socket.equals(readLink(fd))) {
                            return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException | SecurityException unreadable) {
                    // Gone, or another user's: look at the next.
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static String listeningInode(Path table, int port) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        try {
            for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                // sl, local_address, rem_address, st (0A is LISTEN), tx:rx, tr:when, retrnsmt, uid, timeout, inode
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    return f[9];
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
