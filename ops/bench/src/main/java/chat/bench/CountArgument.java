package chat.bench;

import java.io.IOException;

/**
 * The one argument of a bench that takes a count of clients ({@code ops/chat bench joins [N]}): the count, checked
 * against the open files this shell allows. A bench that cannot run says why and exits.
 */
final class CountArgument {
    private CountArgument() {}

    /**
     * The count given in {@code args}, else {@code absent}; with {@code --help}, the usage and exit 0; anything else,
     * the usage and exit 2. Exits 1 when {@code filesPerClient} times the count, and a thousand more, exceed the open
     * files allowed.
     */
    static int parse(String[] args, int absent, int filesPerClient, String usage) throws IOException {
        int count = absent;
        for (String arg : args) {
            if (arg.matches("[0-9]{1,6}") && Integer.parseInt(arg) > 0) {
                count = Integer.parseInt(arg);
            } else {
                System.out.print(usage);
                System.exit(arg.equals("--help") || arg.equals("-h") ? 0 : 2);
            }
        }
        long allowed = ProcFs.openFilesLimit();
        if ((long) filesPerClient * count + 1_000 > allowed) {
            System.err.printf("%d clients need more open files than the %d this shell allows: raise it with ulimit -n%n",
                count, allowed);
            System.exit(1);
        }
        return count;
    }
}
